// The phases of one run as they happened, in milliseconds since the run began:
// what `polytrace bench --timeline` takes medians of. Phases may overlap (the
// components start side by side); a run without a timeline records nothing.

export interface Phase {
  name: string;
  startMs: number;
  endMs: number;
}

export class Timeline {
  private readonly origin = performance.now();
  readonly phases: Phase[] = [];

  /** Milliseconds since the run began. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Records `name` from now until `work` settles (also when it fails). */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const startMs = this.now();
    try {
      return await work();
    } finally {
      this.phases.push({ name, startMs, endMs: this.now() });
    }
  }

  /** Records `name` from `startMs` until now. */
  since(name: string, startMs: number): void {
    this.phases.push({ name, startMs, endMs: this.now() });
  }
}

/** Runs `work` as phase `name` of `timeline`, or just runs it when there is no timeline. */
export function timed<T>(timeline: Timeline | undefined, name: string, work: () => Promise<T>): Promise<T> {
  return timeline ? timeline.time(name, work) : work();
}
