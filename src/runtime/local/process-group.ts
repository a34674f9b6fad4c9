// Children run in their own process group (detached), so a Ctrl-C in the
// terminal reaches only polytrace, which then stops them in order: services
// first so they flush their spans, the Collector last. Signalling the group
// also reaches grandchildren (mvn's JVM, `go run`'s compiler).
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
