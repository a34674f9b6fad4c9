// Python's companions: the instrumentation and semantic-conventions line that
// goes with an opentelemetry-sdk release, as pip's own resolver picks it.
import { UsageError } from '../../common/errors.js';
import { normalizedName } from './pip-client.js';
import type { PythonPackages } from './registries.js';

/** The `name==version` pins of a requirements file, names as the index compares them. */
export function requirementPins(requirements: string): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const [, name, version] of requirements.matchAll(/^([A-Za-z0-9_.-]+)==(\S+)\s*$/gm)) {
    pins[normalizedName(name!)] = version!;
  }
  return pins;
}

/** The packages of a resolved set that no other package of it requires: what the service itself asks for. */
export function topLevel(requires: Record<string, string[]>): string[] {
  const required = new Set(Object.values(requires).flat());
  return Object.keys(requires)
    .filter((name) => !required.has(name))
    .sort();
}

const sdk = 'opentelemetry-sdk';
const semconv = 'opentelemetry-semantic-conventions';

/**
 * OpenTelemetry Python releases two lines in lockstep: the SDK's (sdk, api, the OTLP exporters,
 * the B3 propagator: 1.45.1) and the contrib one (instrumentations, distro, semantic conventions:
 * 0.66b1). The service's requirements pin each package of a line at that line's version, so the
 * pins say which line a package is on. A release of the SDK requires its semantic conventions
 * exactly, which names the contrib release made with it.
 *
 * Only the packages the service asks for itself are pinned (the top of the default set's
 * dependency tree): a package that a newer release brought in (opentelemetry-exporter-otlp-common
 * first came with SDK 1.44) must not be asked of an older one. The rest of the service's pins are
 * kept where they still hold (an older line may need an older protobuf); the companions are the
 * whole set pip would install.
 */
export async function pythonCompanions(
  version: string,
  { pip, requirements }: { pip: PythonPackages; requirements: string },
): Promise<Record<string, string>> {
  const pins = requirementPins(requirements);
  const base = await pip.resolve(Object.entries(pins).map(([name, pinned]) => `${name}==${pinned}`));
  if ('conflict' in base) {
    throw new UsageError(`Expected the service's own requirements to resolve, found a conflict: ${base.conflict}`);
  }
  const line = await pip.resolve([`${sdk}==${version}`]);
  const conventions = 'resolved' in line ? line.resolved[semconv] : undefined;
  if (!conventions) {
    throw new UsageError(`Expected ${sdk} ${version} to require ${semconv} at one version, found none`);
  }
  const versionOf = (name: string) =>
    pins[name] === pins[sdk] ? version : pins[name] === pins[semconv] ? conventions : undefined;
  const asked = (keepOthers: boolean) => [
    `${sdk}==${version}`,
    `opentelemetry-api==${version}`,
    ...topLevel(base.requires)
      .filter((name) => name !== sdk && name !== 'opentelemetry-api')
      .map((name) => {
        const lineVersion = versionOf(name);
        if (lineVersion) return `${name}==${lineVersion}`;
        return keepOthers && pins[name] ? `${name}==${pins[name]}` : name;
      }),
  ];
  let result = await pip.resolve(asked(true));
  if ('conflict' in result) result = await pip.resolve(asked(false));
  if ('conflict' in result) {
    throw new UsageError(
      `Expected pip to find the service's packages for ${sdk} ${version} with ${semconv} ${conventions}, found no coherent set: ${result.conflict}`,
    );
  }
  return Object.fromEntries(Object.entries(result.resolved).sort(([a], [b]) => a.localeCompare(b)));
}
