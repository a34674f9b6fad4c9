// The closed set of errors polytrace expects. Each carries its exit code; the
// CLI prints a known error as one line (plus a log tail where there is one)
// and never a stack trace. Anything else is a bug and gets the full stack.

export const exitCodes = {
  ok: 0,
  verificationFailed: 1,
  usage: 2,
  environment: 3,
  interrupted: 130,
} as const;

export class PolytraceError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Last lines of a log that explain the failure, shown under the message. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags or arguments. */
export class UsageError extends PolytraceError {
  constructor(message: string) {
    super(message, exitCodes.usage);
  }
}

/** The machine is not ready: a busy port, a missing toolchain, no Docker engine, a failed build or start. */
export class EnvironmentError extends PolytraceError {
  constructor(message: string, detail?: string) {
    super(message, exitCodes.environment, detail);
  }
}

/** The user pressed Ctrl-C (or the run was otherwise cancelled); teardown still ran. */
export class InterruptedError extends PolytraceError {
  constructor() {
    super('interrupted: everything polytrace started has been stopped', exitCodes.interrupted);
  }
}
