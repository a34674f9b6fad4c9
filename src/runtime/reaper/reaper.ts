// polytrace's stand-in for testcontainers' Ryuk (which cannot be pulled here,
// and would publish its port on every interface), for both runtimes: a small
// detached process holding the read end of a pipe from the CLI. However the
// CLI ends (even SIGKILL, when no handler runs), the kernel closes the pipe;
// the reaper then removes what the run left (the docker runtime's labelled
// containers and network, the local runtime's process groups), and exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export class Reaper {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts `node <main> ...args`, where `main` (a URL beside the caller) waits for its stdin to close. */
  static start(main: URL, args: string[], logPath: string): Reaper {
    const log = openSync(logPath, 'a');
    try {
      // detached: its own session, so the terminal's Ctrl-C (or a killed process group) spares it.
      const child = spawn(process.execPath, [fileURLToPath(main), ...args], {
        detached: true,
        stdio: ['pipe', log, log],
      });
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      return new Reaper(child);
    } finally {
      closeSync(log);
    }
  }

  /** After a normal teardown: close the pipe and wait (bounded) until the reaper, finding nothing left, exits. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
