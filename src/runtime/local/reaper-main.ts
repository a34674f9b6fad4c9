// The detached watcher started by reaper.ts: `node reaper-main.js <cli pid> <ledger>`.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, signalGroup } from './process-group.js';
import { processStartTime } from './reaper.js';

const [cliPid, ledger] = [Number(process.argv[2]), process.argv[3] ?? ''];

function recorded(): number[] {
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

// A day at most: a watcher must not outlive its purpose either.
const deadline = Date.now() + 24 * 3600_000;
while (isAlive(cliPid) && Date.now() < deadline) await sleep(500);

const left = recorded();
for (const pid of left) signalGroup(pid, 'SIGTERM');
for (let waited = 0; waited < 10_000 && left.some(isAlive); waited += 250) await sleep(250);
for (const pid of left) signalGroup(pid, 'SIGKILL');
