// The lab's watch of a workspace: a save made while the first request runs is
// not lost, a burst of writes is one save, saves run one at a time, and a file
// replaced by renaming a new one over it is still watched afterwards.
import { mkdtempSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { watchSaves } from '../../src/core/watch-saves.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('sees every save, one round at a time, including those made during the first round', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'polytrace-watch-'));
  const file = join(dir, 'app.py');
  await writeFile(file, 'a\n');
  const controller = new AbortController();
  const rounds: string[] = [];
  let inRound = 0;
  const round = (name: string) => async () => {
    inRound += 1;
    expect(inRound).toBe(1);
    rounds.push(name);
    await sleep(400);
    inRound -= 1;
  };
  const watching = watchSaves({
    dir,
    signal: controller.signal,
    first: round('first'),
    onSave: async () => round('save')(),
  });
  // During the first round: a burst of writes, then (once it is seen) a file replaced by rename, then an append to it.
  await sleep(100);
  await writeFile(file, 'b\n');
  await appendFile(file, 'c\n');
  await sleep(1_500);
  await writeFile(join(dir, 'app.py.tmp'), 'd\n');
  await rename(join(dir, 'app.py.tmp'), file);
  await sleep(1_500);
  await appendFile(file, 'e\n');
  await sleep(1_500);
  // Build outputs are not saves.
  await writeFile(join(dir, 'orders.db'), 'x');
  await sleep(1_000);
  controller.abort();
  await watching;
  expect(rounds).toEqual(['first', 'save', 'save', 'save']);
}, 15_000);
