// A version set in one line, for the progress a run prints before it builds.
import { sdkLanguages, type SdkSet } from '../../topology/sdk-versions.js';

/** The lines that differ from the manifests, each with its OpenTelemetry companions (short names); empty for the default set. */
export function describeSdkSet(set: SdkSet): string {
  return sdkLanguages
    .map((language) => set[language])
    .filter((line) => !line.isDefault)
    .map((line) => {
      const companions = Object.entries(line.companions)
        // Python's whole install is pinned; of it, OpenTelemetry's own packages (Flask, protobuf move only to fit).
        .filter(
          ([name, version]) =>
            (line.language !== 'python' || name.includes('opentelemetry')) &&
            version.replace(/^v/, '') !== line.version,
        )
        .map(([name, version]) => `${name.split('/').at(-1)} ${version}`);
      // Which Node runs the service, when it is not the machine's own.
      if (line.node) companions.push(`on Node ${line.node} from the npm registry`);
      return `${line.language} ${line.version}${companions.length ? ` (${companions.join(', ')})` : ''}`;
    })
    .join(', ');
}
