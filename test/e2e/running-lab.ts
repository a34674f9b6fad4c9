// A `polytrace lab start` driven as an attendee drives it: its output read as it
// comes, verdict by verdict, and files written into the workspace as an editor
// saves them. Shared by the lab's end-to-end tests on each runtime.
import { execa, type ResultPromise } from 'execa';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, portFlags, repo } from './run-cli.js';

/** One verdict from the first request or a save: a build, a restart and a trace. */
const verdictWithin = 8 * 60_000;

/** A running `lab start`, its output read as it comes. */
/** `lab start` of one exercise as an attendee types it, in a workspace and a runs folder of the test's own. */
export const labStartArgs = (lab: {
  exercise: string;
  workspace: string;
  runtime: 'local' | 'docker';
  runs: string;
  ports: Record<string, number>;
}): string[] => [
  'lab',
  'start',
  lab.exercise,
  '--workspace',
  lab.workspace,
  '--runtime',
  lab.runtime,
  '--out-dir',
  lab.runs,
  ...portFlags(lab.ports),
];

export class RunningLab {
  private output = '';
  private cursor = 0;
  readonly run: ResultPromise<{ all: true; reject: false; cwd: string; env: Record<string, string> }>;

  constructor(args: string[]) {
    this.run = execa('node', [cli, ...args], {
      all: true,
      reject: false,
      cwd: repo,
      env: { NO_COLOR: '1' },
      stdin: 'ignore',
    } as const) as never;
    this.run.all.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** The next verdict line after the last one read: `✓ fixed: …`, `✗ still broken at …` or a build's `✗ …`. */
  async nextVerdict(timeoutMs = verdictWithin): Promise<{ line: string; text: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.cursor);
      const match = /^(✓ fixed: .*|✗ still broken at .*|✗ .*does not build.*)$/m.exec(rest);
      if (match) {
        this.cursor += match.index + match[0].length;
        return { line: match[0], text: rest.slice(0, match.index + match[0].length) };
      }
      const ended = this.run.exitCode !== null;
      if (ended || Date.now() > deadline) {
        throw new Error(
          `Expected a verdict from the lab, got ${ended ? 'its end' : 'none in time'}:\n${this.output.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop() {
    this.run.kill('SIGINT');
    return this.run;
  }

  get all() {
    return this.output;
  }
}

/** Writes files into the exercise's folder one by one, as an editor saves them. */
export async function save(dir: string, files: Map<string, string>, changedFrom: Map<string, string>): Promise<void> {
  for (const [path, text] of files) if (changedFrom.get(path) !== text) await writeFile(join(dir, path), text);
}
