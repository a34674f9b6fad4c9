// Whether a process of this machine still runs, by its pid: signal 0 checks
// without sending anything.

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds the pid: it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
