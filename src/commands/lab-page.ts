// `lab start --ui`: the live page in lab mode, beside the terminal. The page
// shows the exercise, its hops and every trace the lab verifies; its buttons
// give hints, reset and solve on the workspace, as `polytrace lab hint`,
// `reset` and `solve` do.
import { join } from 'node:path';
import type { Progress } from '../common/progress.js';
import { labPageControls } from '../core/workspace-controls.js';
import type { Exercise } from '../labs/exercise.js';
import type { LabVerdict } from '../labs/verdict.js';
import { exerciseDir } from '../labs/workspace.js';
import { LiveHub } from '../live/hub.js';
import { labView } from '../live/lab-view.js';
import { startLiveServer } from '../live/server.js';
import type { TraceResult } from '../verify/result.js';
import { announcePage, parseUiPort, type LivePageFlags } from './live-page.js';

export interface LabPage {
  /** Progress goes to the page too: it shows the chain starting. */
  progress: Progress;
  ready(): void;
  round(round: { trace: TraceResult; verdict: LabVerdict; first: boolean }): Promise<void>;
  /** A line on the page's progress line: a save seen, a build that failed. */
  tell(message: string): void;
  close(): Promise<void>;
}

export async function serveLabPage({
  exercise,
  workspace,
  flags,
}: {
  exercise: Exercise;
  workspace: string;
  flags: LivePageFlags;
}): Promise<LabPage> {
  const file = join(exerciseDir(workspace, exercise), exercise.file);
  const hub = new LiveHub({ mode: 'lab', title: `polytrace lab: ${exercise.id}`, scenarios: [] });
  const viewOf = (round?: { trace: TraceResult; verdict: LabVerdict }) =>
    labView({ exercise, workspace, file, ...(round ? { round } : {}) });
  hub.setLab(await viewOf());
  const controls = labPageControls(workspace);
  const server = await startLiveServer({
    hub,
    port: parseUiPort(flags.uiPort),
    actions: () => undefined,
    labActions: () => controls,
    onActionError: (message) => {
      process.stderr.write(`polytrace ▸ ✗ ${message}\n`);
      hub.progress(`✗ ${message}`);
    },
  });
  await announcePage(server, flags);
  return {
    progress: (event) => hub.progress(event.message),
    ready: () => hub.setReady(true),
    async round({ trace, verdict, first }) {
      hub.addTrace(trace, { sentBy: 'polytrace', scenario: exercise.id, first });
      hub.setLab(await viewOf({ trace, verdict }));
    },
    tell: (message) => hub.progress(message),
    close: () => server.close(),
  };
}
