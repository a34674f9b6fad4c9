// Every container, network and image polytrace makes carries these labels, so
// `polytrace clean` and the reaper find exactly polytrace's things and never
// anyone else's.
import { hostname } from 'node:os';

export const label = {
  /** On everything polytrace makes. */
  owner: 'org.polytrace',
  /** The run a container or network belongs to (its folder's name). */
  run: 'org.polytrace.run',
  component: 'org.polytrace.component',
  /** The CLI process that started it, and on which host: `clean` spares runs still alive. */
  pid: 'org.polytrace.pid',
  host: 'org.polytrace.host',
  /** On a chain image: the hash of its build inputs, so an unchanged image is not rebuilt. */
  inputs: 'org.polytrace.inputs',
  /** On a base image: which stand-in it is and the toolchain it carries. */
  base: 'org.polytrace.base',
  toolchain: 'org.polytrace.toolchain',
} as const;

export function runLabels(runId: string, component: string): Record<string, string> {
  return {
    [label.owner]: 'true',
    [label.run]: runId,
    [label.component]: component,
    [label.pid]: String(process.pid),
    [label.host]: hostname(),
  };
}

/** A Docker API label filter, e.g. `{ label: ['org.polytrace.run=…'] }`. */
export function labelFilter(key: string, value?: string): { label: string[] } {
  return { label: [value === undefined ? key : `${key}=${value}`] };
}
