// `polytrace lab` and its subcommands: list the exercises, start one (the chain
// with the attendee's workspace copy, watched), a hint, the progress, reset and
// solve. The logic is in src/labs/ and src/core/lab.ts; this prints.
import { UsageError } from '../common/errors.js';
import type { Progress } from '../common/progress.js';
import { runLab, type LabControls } from '../core/lab.js';
import { exercises, findExercise } from '../labs/catalog.js';
import type { Exercise } from '../labs/exercise.js';
import { nextHint } from '../labs/hints.js';
import { readProgress } from '../labs/progress.js';
import type { ExerciseStatus } from '../labs/room-protocol.js';
import { joinRoom, type RoomClient } from '../labs/room-client.js';
import { roomIdentity } from '../labs/room-identity.js';
import { assertWorkspaceFree } from '../labs/lock.js';
import { defaultWorkspace, exerciseDir, rewriteExercise } from '../labs/workspace.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { renderUpTrace } from '../report/terminal.js';
import { findScenario } from '../scenarios/catalog.js';
import { serviceNamed } from '../topology/chain.js';
import { serveLabPage, type LabPage } from './lab-page.js';
import type { LivePageFlags } from './live-page.js';
import { parseChainFlags, type ChainFlags } from './options.js';
import { stderrProgress } from './progress-printer.js';

const print = (text: string) => process.stdout.write(`${text}\n`);

function exerciseNamed(id: string): Exercise {
  const exercise = findExercise(id);
  if (!exercise)
    throw new UsageError(`Expected an exercise, one of ${exercises.map((e) => e.id).join(', ')}; got "${id}"`);
  return exercise;
}

const languageOf = (exercise: Exercise) => serviceNamed(exercise.service).language;

export function labListCommand(flags: { json?: boolean }): number {
  if (flags.json) {
    const list = exercises.map((e) => ({ id: e.id, language: languageOf(e), service: e.service, title: e.title }));
    print(JSON.stringify(list, null, 2));
    return 0;
  }
  const width = Math.max(...exercises.map((e) => e.id.length));
  for (const e of exercises) {
    print(`${e.id.padEnd(width)}  ${languageOf(e).padEnd(6)}  ${e.service.padEnd(20)}  ${e.title}`);
  }
  print('');
  print(
    'polytrace lab start <exercise> copies that service into ./polytrace-lab/<exercise>/ with the mistake in place.',
  );
  return 0;
}

export async function labHintCommand(id: string, flags: { workspace?: string }): Promise<number> {
  const exercise = exerciseNamed(id);
  print(describeHint(exercise, await nextHint(flags.workspace ?? defaultWorkspace, exercise)));
  return 0;
}

function describeHint(exercise: Exercise, hint: Awaited<ReturnType<LabControls['hint']>>): string {
  return hint
    ? `hint ${hint.number}/${exercise.hints.length}: ${hint.text}`
    : `no more hints: the last one was the fix (polytrace lab solve ${exercise.id} writes it for you)`;
}

/** The flags that join a room: both or neither. */
interface RoomFlags {
  room?: string;
  name?: string;
}

/** Joins the room as the workspace's attendee: its id is kept there once the room took it. */
async function roomFrom(flags: RoomFlags, workspace: string): Promise<RoomClient | undefined> {
  if (flags.room === undefined && flags.name === undefined) return undefined;
  if (flags.room === undefined || flags.name === undefined)
    throw new UsageError('Expected --room and --name together: the URL polytrace room printed, and your name');
  const identity = await roomIdentity(workspace);
  const room = await joinRoom({ url: flags.room, name: flags.name, id: identity.id });
  await identity.keep();
  return room;
}

/**
 * Sends statuses to the room; a room that went away gets one warning line (and one more when it
 * is back), and the lab goes on.
 */
function roomReporter(room: RoomClient): (statuses: ExerciseStatus[]) => Promise<void> {
  let away = false;
  // One post at a time, in verdict order: the board ends with the newest.
  let last = Promise.resolve();
  const send = async (statuses: ExerciseStatus[]) => {
    const sent = await room.report(statuses);
    if (sent !== true && !away) process.stderr.write(`polytrace ▸ warning: ${sent}; the lab goes on\n`);
    if (sent === true && away) process.stderr.write(`polytrace ▸ the room at ${room.origin} answers again\n`);
    away = sent !== true;
  };
  return (statuses) => (last = last.then(() => send(statuses)));
}

export async function labStatusCommand(flags: { workspace?: string; json?: boolean } & RoomFlags): Promise<number> {
  const workspace = flags.workspace ?? defaultWorkspace;
  const room = await roomFrom(flags, workspace);
  const progress = await readProgress(workspace);
  if (room) {
    const statuses: ExerciseStatus[] = [];
    for (const e of exercises) {
      const entry = progress[e.id];
      if (entry?.state === 'fixed') statuses.push({ exercise: e.id, state: 'fixed' });
      if (entry?.state === 'broken')
        statuses.push({ exercise: e.id, state: 'broken', ...(entry.brokenAt ? { hop: entry.brokenAt } : {}) });
    }
    await roomReporter(room)(statuses);
  }
  const rows = exercises.map((e) => {
    const entry = progress[e.id];
    return {
      id: e.id,
      state: !entry || entry.state === 'not-started' ? 'not started' : entry.state,
      ...(entry?.brokenAt && entry.state === 'broken' ? { brokenAt: entry.brokenAt } : {}),
      hints: entry?.hints ?? 0,
    };
  });
  if (flags.json) {
    print(JSON.stringify(rows, null, 2));
    return 0;
  }
  const width = Math.max(...exercises.map((e) => e.id.length));
  for (const row of rows) {
    const state = row.state === 'broken' && row.brokenAt ? `broken at ${row.brokenAt}` : row.state;
    print(`${row.id.padEnd(width)}  ${state}${row.hints ? ` (${row.hints} hint${row.hints > 1 ? 's' : ''})` : ''}`);
  }
  return 0;
}

export async function labRewriteCommand(
  id: string,
  flags: { workspace?: string },
  state: 'mistake' | 'solution',
): Promise<number> {
  const exercise = exerciseNamed(id);
  const { dir, backup } = await rewriteExercise({ workspace: flags.workspace ?? defaultWorkspace, exercise, state });
  if (backup) print(`your edits are kept in ${backup}`);
  print(
    state === 'mistake'
      ? `${dir}: the mistake is back in place`
      : `${dir}: the reference fix is in place (a running lab rebuilds and verifies it)`,
  );
  return 0;
}

export async function labStartCommand(
  id: string,
  flags: Pick<ChainFlags, 'runtime' | 'port' | 'outDir'> & { workspace?: string; ui?: boolean } & RoomFlags &
    LivePageFlags,
  signal: AbortSignal,
): Promise<number> {
  const exercise = exerciseNamed(id);
  const workspace = flags.workspace ?? defaultWorkspace;
  // A second start in the workspace says so in one line, before it joins a room or shows a page.
  await assertWorkspaceFree(workspace);
  const room = await roomFrom(flags, workspace);
  // --ui-port and --open say where and how to show the page: each implies it.
  const page: LabPage | undefined =
    flags.ui || flags.uiPort !== undefined || flags.open
      ? await serveLabPage({ exercise, workspace, flags })
      : undefined;
  try {
    return await runLabWatched({ exercise, workspace, flags, room, page }, signal);
  } finally {
    await page?.close();
  }
}

async function runLabWatched(
  {
    exercise,
    workspace,
    flags,
    room,
    page,
  }: {
    exercise: Exercise;
    workspace: string;
    flags: Pick<ChainFlags, 'runtime' | 'port' | 'outDir'>;
    room: RoomClient | undefined;
    page: LabPage | undefined;
  },
  signal: AbortSignal,
): Promise<number> {
  const toRoom = room ? roomReporter(room) : undefined;
  if (room) print(`joined the room at ${room.origin}: each verdict (state and hop, never code) goes to its board`);
  const colors = colorsFor(colorEnabled(process.stdout));
  const width = () => process.stdout.columns || 100;
  const toStderr = stderrProgress();
  const progress: Progress = (event) => {
    toStderr(event);
    page?.progress(event);
  };
  const scenario = findScenario(exercise.flow === 'async-order' ? 'async' : 'happy')!;
  // Either runtime builds the exercise's service from the workspace: the local one with this
  // machine's toolchains, the docker one into an image of its own.
  const { runOptions } = parseChainFlags({ ...flags, baseImage: [], scenario: scenario.name }, progress);
  const stopKeys = { stop: () => {} };
  await runLab({ runOptions, exercise, workspace }, signal, {
    prepared({ dir, made }) {
      print(colors.bold(`${exercise.title} (${exercise.id}, ${languageOf(exercise)}, ${exercise.service})`));
      print(exercise.story);
      print(
        made
          ? `Open ${dir}/${exercise.file}: the mistake is in place.`
          : `Open ${dir}/${exercise.file}: your copy from before, as you left it.`,
      );
    },
    ready({ runtime }, controls) {
      print(colors.dim(`the chain runs (${runtime} runtime); ${exercise.service} is built from your copy`));
      page?.ready();
      stopKeys.stop = listenForKeys(exercise, controls);
    },
    saved() {
      print('');
      print(colors.bold(`saved: rebuilding ${exercise.service}…`));
      page?.tell(`saved: rebuilding ${exercise.service}…`);
    },
    round({ trace, verdict, trigger, saveToVerdictMs }) {
      // The page is a view beside the terminal: what it fails to draw is said, and the lab goes on.
      page
        ?.round({ trace, verdict, first: trigger === 'start' })
        .catch((error: unknown) => process.stderr.write(`polytrace ▸ the lab page: ${(error as Error).message}\n`));
      print('');
      const took =
        saveToVerdictMs !== undefined ? ` (${(saveToVerdictMs / 1000).toFixed(1)} s from save to verdict)` : '';
      print(renderUpTrace(trace, `trace ${trace.traceId}${took}`, { width: width(), colors }));
      void toRoom?.([
        verdict.fixed
          ? { exercise: exercise.id, state: 'fixed' }
          : { exercise: exercise.id, state: 'broken', ...(verdict.brokenAt ? { hop: verdict.brokenAt } : {}) },
      ]);
      if (verdict.fixed) {
        print(colors.green(colors.bold(`✓ fixed: ${exercise.id}, every span and hop it requires is there and linked`)));
        return;
      }
      print(colors.red(`✗ still broken at ${verdict.brokenAt ?? 'a hop'}:`));
      for (const problem of verdict.problems) print(colors.red(`  - ${problem}`));
      print(
        trigger === 'start'
          ? `Fix it in your copy and save: every save rebuilds ${exercise.service} and verifies a new request. ${process.stdin.isTTY ? 'Press h for a hint, ' : `polytrace lab hint ${exercise.id} gives a hint; `}Ctrl-C stops.`
          : colors.dim(process.stdin.isTTY ? 'h for a hint' : `polytrace lab hint ${exercise.id} for a hint`),
      );
    },
    failed(message) {
      print(colors.red(`✗ ${message}`));
      page?.tell(`✗ ${message}`);
    },
  }).finally(() => stopKeys.stop());
  process.stderr.write(
    `polytrace ▸ stopped: nothing left running; your copy stays in ${exerciseDir(workspace, exercise)}\n`,
  );
  return 0;
}

/** `h` gives the next hint while the lab runs, when stdin is a terminal; returns what stops listening. */
function listenForKeys(exercise: Exercise, controls: LabControls): () => void {
  const { stdin } = process;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  stdin.resume();
  const onKey = (key: Buffer) => {
    const text = key.toString('utf8');
    // Raw mode turns Ctrl-C into a byte: it still stops everything.
    if (text === '\u0003') process.kill(process.pid, 'SIGINT');
    else if (text.toLowerCase() === 'h') void controls.hint().then((hint) => print(describeHint(exercise, hint)));
  };
  stdin.on('data', onKey);
  return () => {
    stdin.off('data', onKey);
    stdin.setRawMode(false);
    stdin.pause();
  };
}
