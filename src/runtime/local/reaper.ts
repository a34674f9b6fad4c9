// The local runtime's answer to a SIGKILLed CLI (no handler can run then): a
// small detached watcher, like testcontainers' Ryuk for containers. It waits
// for polytrace to die, then stops the process groups polytrace recorded.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `/proc/<pid>/stat` start time: tells a recorded process from a later one that reused its pid. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function recordProcess(ledger: string, pid: number | undefined): void {
  if (!pid) return;
  appendFileSync(ledger, `${pid} ${processStartTime(pid) ?? '?'}\n`);
}

export function startReaper(ledger: string): void {
  const main = fileURLToPath(new URL('./reaper-main.js', import.meta.url));
  spawn(process.execPath, [main, String(process.pid), ledger], { detached: true, stdio: 'ignore' }).unref();
}
