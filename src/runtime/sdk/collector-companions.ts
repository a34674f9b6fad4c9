// The Collector's companions, from the Go module proxy's metadata: the
// builder and the core components of one release, the stable (1.x) core
// modules that release requires, and the contrib components of the same
// release, whose go.mod must require exactly that core.
import semver from 'semver';
import { UsageError } from '../../common/errors.js';
import type { GoModules } from './registries.js';

export const collectorBuilder = 'go.opentelemetry.io/collector/cmd/builder';
const core = 'go.opentelemetry.io/collector/';
const contrib = 'github.com/open-telemetry/opentelemetry-collector-contrib/';

/** The `gomod: module vX` entries of a builder manifest: module → version. */
export function manifestModules(builderConfig: string): Record<string, string> {
  const modules: Record<string, string> = {};
  for (const [, module, version] of builderConfig.matchAll(/^\s*-\s*gomod:\s*(\S+)\s+(v\S+)\s*$/gm)) {
    modules[module!] = version!;
  }
  return modules;
}

/** The newest stable (v1.x) go.opentelemetry.io/collector module version a go.mod requires: the release's 1.x line. */
const stableLine = (requires: Record<string, string>): string | undefined =>
  Object.entries(requires)
    .filter(([m, v]) => m.startsWith(core) && /^v1\./.test(v))
    .map(([, v]) => v)
    .sort((a, b) => semver.rcompare(a.slice(1), b.slice(1)))[0];

/**
 * Every module of the manifest at the release asked for: the builder and core 0.x components at
 * `v{version}`, the stable 1.x modules (the config providers) at the 1.x release the lead
 * component's go.mod requires, and each contrib component at `v{version}`, checked to require that
 * same 1.x release.
 */
export async function collectorCompanions(
  version: string,
  { go, builderConfig, lead }: { go: GoModules; builderConfig: string; lead: string },
): Promise<Record<string, string>> {
  const release = `v${version}`;
  const leadRequires = await go.requires(lead, release);
  if (!leadRequires) throw new UsageError(`Expected ${lead} ${release} on the Go module proxy, found none`);
  const stable = stableLine(leadRequires);
  if (!stable) throw new UsageError(`Expected ${lead} ${release} to require a stable (v1.x) core module, found none`);
  const companions: Record<string, string> = {};
  const missing: string[] = [];
  await Promise.all(
    [collectorBuilder, ...Object.keys(manifestModules(builderConfig))].map(async (module) => {
      const pinned = module.startsWith(core) && /^v1\./.test(manifestModules(builderConfig)[module] ?? '');
      const wanted = pinned ? stable : release;
      const requires = await go.requires(module, wanted);
      if (!requires) {
        missing.push(`${module} ${wanted}`);
        return;
      }
      if (module.startsWith(contrib)) {
        const needs = stableLine(requires);
        if (needs && needs !== stable) {
          throw new UsageError(
            `Expected ${module} ${release} to require the core ${stable} that ${lead} ${release} does, found ${needs}: no coherent Collector set for ${release}`,
          );
        }
      }
      companions[module] = wanted;
    }),
  );
  if (missing.length > 0) {
    // What exists: the releases the proxy lists of the first module it lacks at this one.
    const first = missing.sort()[0]!.split(' ')[0]!;
    const listed = (await go.versions(first))
      .filter((v) => semver.valid(v) && !semver.prerelease(v))
      .sort((a, b) => semver.compare(a, b))
      .slice(-12);
    throw new UsageError(
      `Expected the Collector's modules at ${release} on the Go module proxy, found none of: ${missing.join(', ')}; ${first.split('/').at(-1)} releases there: ${listed.join(', ') || 'none'}`,
    );
  }
  return Object.fromEntries(Object.entries(companions).sort(([a], [b]) => a.localeCompare(b)));
}
