// Progress of long steps (builds, starts, waits). The core reports events;
// the CLI decides how to show them (stderr lines, or nothing).

interface ProgressEvent {
  step: 'runtime' | 'build' | 'start' | 'traffic' | 'collect' | 'stop';
  message: string;
  /** The component it concerns, when there is one. */
  component?: string;
}

export type Progress = (event: ProgressEvent) => void;
