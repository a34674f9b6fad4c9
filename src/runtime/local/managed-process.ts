// One long-running process of the chain: started with execa, its output in a
// log file of the run, stopped with SIGTERM and, after a grace period, SIGKILL.
import { appendFile } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import { signalGroup } from './process-group.js';

export interface ProcessSpec {
  name: string;
  cmd: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
}

export class ManagedProcess {
  private exitCode: number | undefined;
  private exitSignal: string | undefined;
  private readonly done: Promise<void>;

  private constructor(
    readonly spec: ProcessSpec,
    private readonly child: ResultPromise,
  ) {
    this.done = child.then(
      (result) => this.record(result.exitCode, result.signal),
      (error: { exitCode?: number; signal?: string }) => this.record(error.exitCode, error.signal),
    );
  }

  private record(code: number | undefined, signal: string | undefined) {
    this.exitCode = code ?? -1;
    this.exitSignal = signal;
  }

  static async start(spec: ProcessSpec): Promise<ManagedProcess> {
    await appendFile(spec.logPath, `$ ${spec.cmd} ${spec.args.join(' ')}\n`);
    const log = { file: spec.logPath, append: true };
    const child = execa(spec.cmd, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      extendEnv: false,
      stdin: 'ignore',
      stdout: log,
      stderr: log,
      detached: true,
      cleanup: false,
    });
    return new ManagedProcess(spec, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  describeExit(): string {
    return this.exitSignal ? `was killed by ${this.exitSignal}` : `exited with code ${this.exitCode}`;
  }

  /** SIGTERM lets the SDK flush its spans; SIGKILL after the grace period so nothing is left behind. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    signalGroup(this.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.pid, 'SIGKILL'), graceMs);
    try {
      await this.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort from a process 'exit' handler: synchronous, no waiting. */
  killNow(): void {
    if (!this.exited) signalGroup(this.pid, 'SIGKILL');
  }
}
