// End-to-end: `polytrace room` as a real process on loopback, and 50 simulated
// attendees joining it through the real join client (src/labs/room-client.ts),
// each posting several status changes. The board ends with each attendee's
// newest states, the server answers the board's reads all along, and a room
// that goes away is a message for the lab, not a crash; `lab status --room`
// sends the workspace's progress. No chain runs here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exercises } from '../../src/labs/catalog.js';
import { newRoomId } from '../../src/labs/room-identity.js';
import { joinRoom, type RoomClient } from '../../src/labs/room-client.js';
import { roomPaths, roomTokenHeader, type ExerciseStatus, type RoomState } from '../../src/labs/room-protocol.js';
import { polytrace, portBases } from './run-cli.js';

const port = portBases.room;
const attendees = 50;
/** Status changes each attendee posts: broken at the exercise's hop, then fixed, over a few exercises. */
const changesEach = 4;

let room: ReturnType<typeof polytrace>;
let output = '';
let url = '';
let cookie = '';

async function state(): Promise<{ state: RoomState; ms: number }> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${roomPaths.state}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(5000),
  });
  expect(response.status).toBe(200);
  return { state: (await response.json()) as RoomState, ms: performance.now() - started };
}

beforeAll(async () => {
  room = polytrace(['room', '--port', String(port)]);
  url = await new Promise<string>((resolve, reject) => {
    room.all.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /room: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48})/.exec(output);
      if (found) resolve(found[1]!);
    });
    void room.then(() => reject(new Error(`polytrace room ended before printing its URL:\n${output}`)));
  });
  const opened = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
  expect(opened.status).toBe(303);
  cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
}, 30_000);

afterAll(async () => {
  room?.kill('SIGINT');
  await room;
});

describe('polytrace room', () => {
  it('refuses the board and a status without the token', async () => {
    const board = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    expect(board.status).toBe(403);
    const posted = await fetch(`http://127.0.0.1:${port}${roomPaths.status}`, {
      method: 'POST',
      headers: { [roomTokenHeader]: 'not-the-token' },
      body: JSON.stringify({ name: 'Mallory', exercises: [] }),
      signal: AbortSignal.timeout(5000),
    });
    expect(posted.status).toBe(403);
    const big = await fetch(`http://127.0.0.1:${port}${roomPaths.status}`, {
      method: 'POST',
      headers: { [roomTokenHeader]: new URL(url).searchParams.get('token')! },
      body: 'x'.repeat(64 * 1024),
      signal: AbortSignal.timeout(5000),
    }).catch((error: unknown) => error as Error);
    // The room answers 413 and stops reading; a client may see the connection close first.
    if (!(big instanceof Error)) expect(big.status).toBe(413);
    expect((await state()).state.attendees.map((a) => a.name)).not.toContain('Mallory');
  });

  it(`holds up with ${attendees} attendees, each posting ${changesEach} changes`, async () => {
    const started = performance.now();
    const clients: RoomClient[] = await Promise.all(
      Array.from({ length: attendees }, (_, i) =>
        joinRoom({ url, name: `attendee ${String(i).padStart(2, '0')}`, id: newRoomId() }),
      ),
    );
    /** What each attendee posted last, per exercise: what the board must show at the end. */
    const expected = new Map<string, Record<string, { state: string; hop?: string }>>();
    let reads = 0;
    let slowestReadMs = 0;
    let posting = true;
    // The board's reads while the room takes posts: every one must be answered.
    const reading = (async () => {
      while (posting && reads < 200) {
        const { ms } = await state();
        reads += 1;
        slowestReadMs = Math.max(slowestReadMs, ms);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.all(
      clients.map(async (client, i) => {
        const cells: Record<string, { state: string; hop?: string }> = {};
        for (let change = 0; change < changesEach; change++) {
          const exercise = exercises[(i + Math.floor(change / 2)) % exercises.length]!;
          const status: ExerciseStatus =
            change % 2 === 0
              ? { exercise: exercise.id, state: 'broken', hop: exercise.breaksAt }
              : { exercise: exercise.id, state: 'fixed' };
          expect(await client.report([status])).toBe(true);
          cells[status.exercise] = { state: status.state, ...(status.hop ? { hop: status.hop } : {}) };
          await new Promise((r) => setTimeout(r, 20 + (i % 7) * 10));
        }
        expected.set(`attendee ${String(i).padStart(2, '0')}`, cells);
      }),
    );
    posting = false;
    await reading;
    const tookMs = performance.now() - started;
    const { state: final, ms } = await state();
    console.log(
      `${attendees} attendees × ${changesEach} changes in ${tookMs.toFixed(0)} ms; ${reads} board reads during, slowest ${slowestReadMs.toFixed(0)} ms; final read ${ms.toFixed(0)} ms`,
    );
    expect(reads).toBeGreaterThan(0);
    expect(final.attendees).toHaveLength(attendees);
    for (const row of final.attendees) expect(row.cells).toEqual(expected.get(row.name));
    expect(final.version).toBeGreaterThanOrEqual(attendees * (changesEach + 1));
  }, 60_000);

  it('takes `lab status --room` from the CLI: the progress, states and hops only', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'polytrace-room-'));
    const [broken, fixed] = [exercises[0]!, exercises[1]!];
    writeFileSync(
      join(workspace, 'polytrace-lab.json'),
      JSON.stringify({
        [broken.id]: { state: 'broken', brokenAt: broken.breaksAt, hints: 1 },
        [fixed.id]: { state: 'fixed', hints: 0, fixedAt: new Date().toISOString() },
      }),
    );
    const status = await polytrace([
      'lab',
      'status',
      '--workspace',
      workspace,
      '--room',
      url,
      '--name',
      'From the CLI',
    ]);
    expect(status.exitCode, status.all).toBe(0);
    const row = (await state()).state.attendees.find((a) => a.name === 'From the CLI');
    expect(row?.cells).toEqual({
      [broken.id]: { state: 'broken', hop: broken.breaksAt },
      [fixed.id]: { state: 'fixed' },
    });
    // Another attendee of the same name, in a workspace of their own: a row of their own.
    const other = mkdtempSync(join(tmpdir(), 'polytrace-room-'));
    const second = await polytrace(['lab', 'status', '--workspace', other, '--room', url, '--name', 'From the CLI']);
    expect(second.exitCode, second.all).toBe(0);
    // The first attendee again: the id kept in their workspace finds their row.
    await polytrace(['lab', 'status', '--workspace', workspace, '--room', url, '--name', 'From the CLI']);
    const same = (await state()).state.attendees.filter((a) => a.name === 'From the CLI');
    expect(same).toHaveLength(2);
    expect(same.map((a) => Object.keys(a.cells).length).sort()).toEqual([0, 2]);
    expect(readFileSync(join(workspace, 'polytrace-room-id'), 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
    rmSync(workspace, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });

    const unreachable = await polytrace([
      'lab',
      'status',
      '--room',
      `http://127.0.0.1:${port + 1}/?token=x`,
      '--name',
      'Ann',
    ]);
    expect(unreachable.exitCode).toBe(3);
    expect(unreachable.all.trim().split('\n')).toHaveLength(1);
    expect(unreachable.all).toMatch(/cannot be reached/);
    const badName = await polytrace(['lab', 'status', '--room', url, '--name', '<b>hi</b>']);
    expect(badName.exitCode).toBe(2);
    expect(badName.all.trim().split('\n')).toHaveLength(1);
  }, 30_000);

  it('stops on Ctrl-C with exit 130, and a lab then hears the room is gone', async () => {
    const client = await joinRoom({ url, name: 'late comer', id: newRoomId() });
    room.kill('SIGINT');
    const ended = await room;
    expect(ended.exitCode).toBe(130);
    const sent = await client.report([{ exercise: exercises[0]!.id, state: 'fixed' }]);
    expect(sent).toMatch(/cannot be reached/);
    await expect(joinRoom({ url, name: 'too late', id: newRoomId() })).rejects.toThrow(
      /Expected to join the room: .*cannot be reached/,
    );
  }, 30_000);
});
