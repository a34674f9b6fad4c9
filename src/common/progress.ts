// Progress of long steps (builds, starts, waits). The core reports events;
// the CLI decides how to show them (stderr lines, or nothing).

interface ProgressEvent {
  step: 'runtime' | 'build' | 'start' | 'traffic' | 'collect' | 'stop' | 'cell';
  message: string;
  /** The component it concerns, when there is one. */
  component?: string;
  /** On a build's last event: true when the component was built, false when its cache was current. */
  built?: boolean;
}

export type Progress = (event: ProgressEvent) => void;
