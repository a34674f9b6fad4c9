// One assertion about a trace or about the run's metrics, as the verifier
// reports it: its stable name, whether it held, and why in plain words.

export interface Check {
  /** Stable identifier, e.g. `one-trace-id`; JUnit and JSON use it. */
  name: string;
  ok: boolean;
  /** One or more plain sentences; on failure they name the hop and the likely cause. */
  message: string;
  /** `caller → callee` when the check is about one call. */
  hop?: string;
}
