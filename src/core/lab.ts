// `polytrace lab start`: one exercise, live. The exercise's service is built
// from the attendee's workspace copy (the others from polytrace's tree), one
// request shows the broken trace, then every save rebuilds and restarts only
// that service, sends a request and verifies it, until Ctrl-C.
import { EnvironmentError, PolytraceError } from '../common/errors.js';
import { sleep } from '../common/abort.js';
import type { Exercise } from '../labs/exercise.js';
import { buildErrorLine } from '../labs/build-error.js';
import { lockWorkspace } from '../labs/lock.js';
import { nextHint } from '../labs/hints.js';
import { updateProgress } from '../labs/progress.js';
import { labVerdict, type LabVerdict } from '../labs/verdict.js';
import { prepareExercise, type Prepared } from '../labs/workspace.js';
import { flows, serviceNamed } from '../topology/chain.js';
import { otelSettings } from '../topology/environment.js';
import type { RunOptions, StartedChain } from '../runtime/runtime.js';
import { fireRequest } from '../traffic/fire-requests.js';
import type { TraceResult } from '../verify/result.js';
import { withChain } from './chain-session.js';
import { TraceFollower } from './trace-follower.js';
import { watchSaves } from './watch-saves.js';

export interface LabOptions {
  /** The run's options; the exercise's service is built from the workspace on top of them. */
  runOptions: RunOptions;
  exercise: Exercise;
  workspace: string;
}

/** One request through the chain with the workspace as it is, and what the lab concludes from it. */
interface LabRound {
  trace: TraceResult;
  verdict: LabVerdict;
  /** The first request, or one after a save. */
  trigger: 'start' | 'save';
  /** From the last save seen to the verdict, after a save. */
  saveToVerdictMs?: number;
}

/** What the attendee may ask while the lab runs. */
export interface LabControls {
  /** The next hint (each once, vague to exact), or none when all three were given. */
  hint(): Promise<{ number: number; text: string } | undefined>;
}

export interface LabListener {
  prepared(prepared: Prepared): void;
  ready(info: { runtime: string; runDir: string }, controls: LabControls): void;
  /** A save was seen: the service is being rebuilt. */
  saved(): void;
  round(round: LabRound): void;
  /** The workspace does not build or start: the toolchain's own error, one line. The lab goes on. */
  failed(message: string): void;
}

// A trace is shown the first read after its last span.
const pollMs = 50;

/** The toolchain's one line for a build or start that failed, or the error's own message. */
function workspaceError(exercise: Exercise, error: unknown): string {
  const language = serviceNamed(exercise.service).language;
  const detail = error instanceof PolytraceError ? error.detail : undefined;
  const line = detail ? buildErrorLine(language, detail) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return line ? `${exercise.service} does not build from the workspace: ${line}` : message;
}

export async function runLab(options: LabOptions, signal: AbortSignal, listener: LabListener): Promise<void> {
  const { exercise, workspace } = options;
  const release = await lockWorkspace(workspace);
  try {
    const prepared = await prepareExercise(workspace, exercise);
    listener.prepared(prepared);
    await updateProgress(workspace, exercise.id, (now) =>
      now.state === 'not-started' ? { ...now, state: 'broken' } : now,
    );
    const runOptions: RunOptions = { ...options.runOptions, serviceSources: { [exercise.service]: prepared.dir } };
    await withChain(runOptions, signal, async (session) => {
      const settings = otelSettings(runOptions.environment);
      const follower = new TraceFollower(
        { runId: session.runId, otelSettings: () => settings },
        { callerTrace: () => {}, unsampled: () => {} },
      );
      let fired = 0;
      const round = async (trigger: LabRound['trigger'], savedAt?: number): Promise<void> => {
        const request = await fireRequest(
          session.tracer,
          { gatewayUrl: session.chain.gatewayUrl, flow: flows[exercise.flow], index: fired++, runId: session.runId },
          signal,
        );
        await session.tracer.flush();
        const trace = await follower.expect(request);
        const verdict = labVerdict(exercise, trace);
        await updateProgress(workspace, exercise.id, (now) =>
          verdict.fixed
            ? { state: 'fixed', hints: now.hints, fixedAt: new Date().toISOString() }
            : { state: 'broken', hints: now.hints, ...(verdict.brokenAt ? { brokenAt: verdict.brokenAt } : {}) },
        );
        listener.round({
          trace,
          verdict,
          trigger,
          ...(savedAt !== undefined ? { saveToVerdictMs: Date.now() - savedAt } : {}),
        });
      };
      listener.ready(
        { runtime: session.runtime, runDir: session.runDir },
        { hint: () => nextHint(workspace, exercise) },
      );
      const following = (async () => {
        while (!signal.aborted) {
          follower.addSpans(await session.spans.poll());
          session.spans.forget();
          follower.tick();
          await sleep(pollMs, signal);
        }
      })().catch(() => {});
      await watchSaves({
        dir: prepared.dir,
        signal,
        first: () => round('start'),
        onSave: async (savedAt) => {
          listener.saved();
          const rebuilt = await rebuild(session.chain, options, signal);
          if (rebuilt !== true) return listener.failed(workspaceError(exercise, rebuilt));
          // A round that fails (the chain stopping under it) ends this save, not the lab.
          await round('save', savedAt).catch((error: unknown) => {
            if (!signal.aborted) listener.failed(workspaceError(exercise, error));
          });
        },
      });
      await following;
    });
  } catch (error) {
    // Ctrl-C is how a lab ends: not an error.
    if (signal.aborted) return;
    // The workspace did not build at the start: the toolchain's line, exit 3.
    if (error instanceof EnvironmentError)
      throw new EnvironmentError(workspaceError(exercise, error), { cause: error });
    throw error;
  } finally {
    await release();
  }
}

/** True once the service is rebuilt and running again; else the error, for the attendee to read. */
async function rebuild(chain: StartedChain, options: LabOptions, signal: AbortSignal): Promise<true | unknown> {
  try {
    await chain.rebuildAndRestart(options.exercise.service, options.runOptions.environment);
    return true;
  } catch (error) {
    if (signal.aborted) throw error;
    return error;
  }
}
