// The run's ledger of process groups (`<run>/processes.txt`): what the local
// reaper stops if polytrace is killed before its own teardown could run.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every process group a run starts (its builds' too) is written here; the reaper stops them if polytrace is killed. */
export const ledgerOf = (runDir: string): string => join(runDir, 'processes.txt');

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
