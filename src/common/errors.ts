// The closed set of errors polytrace expects. Each carries its exit code; the
// CLI prints a known error as one line (plus a log tail where there is one)
// and never a stack trace. Anything else is a bug and gets the full stack.

export const exitCodes = {
  ok: 0,
  verificationFailed: 1,
  usage: 2,
  environment: 3,
  /** `unpack`: the pack is truncated or altered (a checksum or the archive's own structure fails). */
  damagedPack: 4,
  /** `unpack`: the pack was made for another platform or another polytrace version. */
  foreignPack: 5,
  /** `unpack`: the disk filled up while unpacking (nothing was put in place). */
  diskFull: 6,
  interrupted: 130,
  /** An error polytrace did not expect: a bug, printed with its stack (BSD's EX_SOFTWARE). */
  bug: 70,
} as const;

/** What an error carries beyond its one line: the original error it wraps (kept, never flattened), and log lines. */
export interface ErrorDetails {
  /** Last lines of a log that explain the failure, shown under the message. */
  detail?: string;
  /** The error this one explains; the CLI prints only the message, a debugger sees the whole chain. */
  cause?: unknown;
}

export class PolytraceError extends Error {
  /** Last lines of a log that explain the failure, shown under the message. */
  readonly detail?: string;

  constructor(
    message: string,
    readonly exitCode: number,
    { detail, cause }: ErrorDetails = {},
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    if (detail !== undefined) this.detail = detail;
  }
}

/** Bad flags or arguments. */
export class UsageError extends PolytraceError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, exitCodes.usage, details);
  }
}

/** The machine is not ready: a busy port, a missing toolchain, no Docker engine, a failed build or start. */
export class EnvironmentError extends PolytraceError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, exitCodes.environment, details);
  }
}

/** The user pressed Ctrl-C (or the run was otherwise cancelled); teardown still ran. */
export class InterruptedError extends PolytraceError {
  constructor() {
    super('interrupted: everything polytrace started has been stopped', exitCodes.interrupted);
  }
}

/** A pack that is truncated or altered: its archive breaks off, or an item's sha256 is not the manifest's. */
export class DamagedPackError extends PolytraceError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, exitCodes.damagedPack, details);
  }
}

/** A pack made for another platform or another polytrace version: its wheels and builds would not fit. */
export class ForeignPackError extends PolytraceError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, exitCodes.foreignPack, details);
  }
}

/** The disk filled up: what was written so far has been removed. */
export class DiskFullError extends PolytraceError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, exitCodes.diskFull, details);
  }
}
