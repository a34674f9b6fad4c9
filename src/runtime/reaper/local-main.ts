// The local runtime's detached reaper (see reaper.ts):
// `node local-main.js <ledger>`. When polytrace has ended it stops the process
// groups the ledger names that are still running, and exits.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { untilPolytraceEnds } from './pipe.js';
import { isAlive } from '../../common/process-alive.js';
import { signalGroup } from '../local/process-group.js';
import { processStartTime } from '../local/process-ledger.js';

const ledger = process.argv[2] ?? '';

/** Groups of the ledger still running: the start time tells them from later processes that reused a pid. */
function stillRunning(): number[] {
  try {
    return readFileSync(ledger, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter(([pid, started]) => processStartTime(Number(pid)) === started)
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}

await untilPolytraceEnds();
const left = stillRunning();
for (const pid of left) signalGroup(pid, 'SIGTERM');
for (let waited = 0; waited < 10_000 && left.some(isAlive); waited += 250) await sleep(250);
for (const pid of left) signalGroup(pid, 'SIGKILL');
process.stdout.write(
  `${new Date().toISOString()} reaper: ${left.length ? `stopped ${left.join(', ')}` : 'nothing left to stop'}\n`,
);
