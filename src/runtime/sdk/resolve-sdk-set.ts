// Turns `--sdk` versions into a whole set: each version with the companions
// that belong with it, found in the registries' own metadata (a Go module's
// go.mod requirements, the Java agent's BOM), never in a table kept by hand.
// A matrix resolves each of its cells with the same function.
import { createHash } from 'node:crypto';
import semver from 'semver';
import { UsageError } from '../../common/errors.js';
import {
  oldestSupported,
  sdkAnchors,
  sdkLanguages,
  type ResolvedSdk,
  type SdkLanguage,
  type SdkRequest,
  type SdkSet,
} from '../../topology/sdk-versions.js';
import { collectorCompanions } from './collector-companions.js';
import { nodejsCompanions } from './nodejs-companions.js';
import { pythonCompanions } from './python-companions.js';
import type { GoModules, MavenArtifacts, PythonPackages, Registries } from './registries.js';

/** What resolving reads besides the registries: the default set and each component's manifest. */
export interface SdkContext {
  registries: Registries;
  defaults: Record<SdkLanguage, string>;
  /** The text of a language's manifest (go.mod, pom.xml, …) as the checkout has it. */
  manifest(language: SdkLanguage): string;
  /** The Node.js version the machine runs services with. */
  machineNode: string;
  /** The Node.js major of the notification-service's container image. */
  imageNodeMajor?: number;
  /** Lines resolved before; none: every line is asked of the registries. */
  lineCache?: LineCache;
}

/**
 * Lines resolved before, kept by whoever resolves (sdk-context.ts keeps them on disk): a line's
 * companions are the same for the same version and the same manifest, so a matrix whose cells
 * share a version, or a second run of a cell, asks the registries nothing.
 */
export interface LineCache {
  get(key: string): Promise<ResolvedSdk | undefined>;
  set(key: string, line: ResolvedSdk): Promise<void>;
}

/** Every line of the chain at the version asked for, or its default, with its companions. */
export async function resolveSdkSet(request: SdkRequest, context: SdkContext): Promise<SdkSet> {
  const lines = await Promise.all(
    sdkLanguages.map(async (language): Promise<ResolvedSdk> => {
      const version = request[language] ?? context.defaults[language];
      if (version === context.defaults[language]) return { language, version, isDefault: true, companions: {} };
      assertSupported(language, { version, defaultVersion: context.defaults[language] });
      const key = lineKey(language, { version, context });
      const cached = await context.lineCache?.get(key);
      if (cached) return cached;
      const line = await resolveLine(language, { version, context });
      await context.lineCache?.set(key, line);
      return line;
    }),
  );
  return Object.fromEntries(lines.map((line) => [line.language, line])) as unknown as SdkSet;
}

/** What a line's companions depend on besides the registries: its version, its manifest, and for JS the machine's Node. */
function lineKey(language: SdkLanguage, { version, context }: { version: string; context: SdkContext }): string {
  const manifest = createHash('sha256').update(context.manifest(language)).digest('hex');
  const node = language === 'nodejs' ? `${context.machineNode}/${context.imageNodeMajor ?? ''}` : '';
  return JSON.stringify([language, version, manifest, node]);
}

async function resolveLine(
  language: SdkLanguage,
  { version, context }: { version: string; context: SdkContext },
): Promise<ResolvedSdk> {
  const { registries } = context;
  if (language === 'collector') {
    assertReleased('collector', {
      version,
      released: releases(await registries.go.versions(sdkAnchors.collector.lead)),
    });
    const companions = await collectorCompanions(version, {
      go: registries.go,
      builderConfig: context.manifest('collector'),
      lead: sdkAnchors.collector.lead,
    });
    return { language, version, isDefault: false, companions };
  }
  if (language === 'nodejs') {
    assertReleased('nodejs', {
      version,
      released: releases(await registries.npm.versions(sdkAnchors.nodejs.lead)),
    });
    const line = await nodejsCompanions(version, {
      npm: registries.npm,
      packageJson: context.manifest('nodejs'),
      machineNode: context.machineNode,
      ...(context.imageNodeMajor ? { imageNodeMajor: context.imageNodeMajor } : {}),
    });
    return { language, version, isDefault: false, ...line };
  }
  const companions =
    language === 'go'
      ? await goCompanions(version, { go: registries.go, goMod: context.manifest('go') })
      : language === 'java'
        ? await javaCompanions(version, registries.maven)
        : await pythonCompanionsReleased(version, {
            pip: registries.pip,
            requirements: context.manifest('python'),
          });
  return { language, version, isDefault: false, companions };
}

function assertSupported(
  language: SdkLanguage,
  { version, defaultVersion }: { version: string; defaultVersion: string },
) {
  const oldest = oldestSupported[language];
  if (oldest === undefined) {
    throw new UsageError(
      `Expected --sdk ${language}=${defaultVersion} (polytrace builds other versions of go, java, python, nodejs and collector only, so far), got ${version}`,
    );
  }
  if (semver.lt(version, oldest)) {
    throw new UsageError(
      `Expected --sdk ${language} at ${oldest} or newer (the oldest polytrace supports), got ${version}`,
    );
  }
}

/** Released versions only (no pre-releases, no +incompatible), as bare semver, oldest first. */
const releases = (versions: readonly string[]): string[] =>
  versions
    .map((v) => v.replace(/^v/, ''))
    .filter((v) => semver.valid(v) === v && semver.prerelease(v) === null)
    .sort(semver.compare);

/** "1.40.0, 1.41.0, … 1.47.0": what exists from a floor up, on one line. */
function listed(versions: readonly string[], from?: string): string {
  const shown = from ? versions.filter((v) => semver.gte(v, from)) : versions;
  return shown.length > 12 ? `${shown.slice(0, 3).join(', ')}, … ${shown.slice(-8).join(', ')}` : shown.join(', ');
}

function assertReleased(language: SdkLanguage, { version, released }: { version: string; released: string[] }) {
  if (released.includes(version)) return;
  throw new UsageError(
    `Expected --sdk ${language} to be a released ${sdkAnchors[language].lead}, got ${version}; released from ${oldestSupported[language]}: ${listed(released, oldestSupported[language])}`,
  );
}

/** The modules a go.mod requires directly (its lines without `// indirect`). */
function directRequires(goMod: string): Record<string, string> {
  const requires: Record<string, string> = {};
  for (const [, module, version] of goMod.matchAll(/^\s*(\S+) (v\S+)\s*$/gm)) requires[module!] = version!;
  return requires;
}

/** The newest go.opentelemetry.io/otel requirement (the stable, v1 modules of the API and SDK) of a go.mod. */
function otelNeeded(requires: Record<string, string>): string | undefined {
  return Object.entries(requires)
    .filter(
      ([m, v]) => (m === 'go.opentelemetry.io/otel' || m.startsWith('go.opentelemetry.io/otel/')) && /^v1\./.test(v),
    )
    .map(([, v]) => v.replace(/^v/, ''))
    .sort(semver.rcompare)[0];
}

/**
 * The newest version of `module` none of whose go.opentelemetry.io/otel requirements is newer
 * than `otel`: with it, Go's minimal version selection keeps the API at the version asked for. A
 * contrib release requires the otel release it was made with, and a later one never an older, so
 * a binary search of the listed versions finds it. A module proxy lists only the versions it has
 * served, so between the one found and the next listed there may be releases it did not list:
 * each minor release between the two is asked for, newest first.
 */
async function newestCompatible(
  go: GoModules,
  { module, otel }: { module: string; otel: string },
): Promise<{ found?: string; released: string[]; oldestNeeds?: string }> {
  const released = releases(await go.versions(module));
  const fits = async (version: string): Promise<boolean | undefined> => {
    const requires = await go.requires(module, `v${version}`);
    if (!requires) return undefined;
    const needed = otelNeeded(requires);
    return needed === undefined || semver.lte(needed, otel);
  };
  let [low, high] = [0, released.length - 1];
  let found: string | undefined;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    if (await fits(released[middle]!)) {
      found = released[middle];
      low = middle + 1;
    } else high = middle - 1;
  }
  const next = found ? released[released.indexOf(found) + 1] : undefined;
  if (found && next && semver.major(next) === semver.major(found)) {
    for (let minor = semver.minor(next) - 1; minor > semver.minor(found); minor--) {
      const unlisted = `${semver.major(next)}.${minor}.0`;
      if (await fits(unlisted)) return { found: unlisted, released };
    }
  }
  if (found) return { found, released };
  const oldestRequires = released[0] ? await go.requires(module, `v${released[0]}`) : undefined;
  const oldestNeeds = oldestRequires ? otelNeeded(oldestRequires) : undefined;
  return { released, ...(oldestNeeds ? { oldestNeeds } : {}) };
}

/**
 * Go: every go.opentelemetry.io/otel module the gateway requires at the version asked for, and
 * each contrib module (otelhttp, autoexport, autoprop, baggagecopy) at its newest release made
 * for that otel or an older one.
 */
async function goCompanions(version: string, { go, goMod }: { go: GoModules; goMod: string }) {
  const lead = sdkAnchors.go.lead;
  assertReleased('go', { version, released: releases(await go.versions(lead)) });
  const companions: Record<string, string> = {};
  const direct = Object.keys(directRequires(goMod)).filter((m) => m.startsWith('go.opentelemetry.io/'));
  await Promise.all(
    direct.map(async (module) => {
      if (module === lead || module.startsWith(`${lead}/`)) {
        const released = releases(await go.versions(module));
        if (!released.includes(version)) {
          throw new UsageError(
            `Expected ${module} v${version} beside ${lead} v${version}, found none; its releases: ${listed(released, oldestSupported.go)}`,
          );
        }
        companions[module] = `v${version}`;
        return;
      }
      const { found, released, oldestNeeds } = await newestCompatible(go, { module, otel: version });
      if (!found) {
        throw new UsageError(
          `Expected a release of ${module} made for ${lead} v${version} or older, found none: its oldest (${released[0] ?? 'none'}) needs v${oldestNeeds ?? '?'}`,
        );
      }
      companions[module] = `v${found}`;
    }),
  );
  return Object.fromEntries(Object.entries(companions).sort(([a], [b]) => a.localeCompare(b)));
}

/** The API version a Java agent release bundles: the opentelemetry-bom its instrumentation BOM imports. */
function bundledApiVersion(bomPom: string): string | undefined {
  return /<artifactId>opentelemetry-bom<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(bomPom)?.[1];
}

/**
 * Java: the agent, and the API version it bundles, which auth-service's pom keeps the application's
 * API in step with (its properties `opentelemetry-javaagent.version` and `opentelemetry.version`).
 */
async function javaCompanions(version: string, maven: MavenArtifacts) {
  const lead = sdkAnchors.java.lead;
  assertReleased('java', { version, released: releases(await maven.versions(lead)) });
  const bom = 'io.opentelemetry.instrumentation:opentelemetry-instrumentation-bom';
  const api = bundledApiVersion(await maven.pom(bom, version));
  if (!api) {
    throw new UsageError(
      `Expected ${bom} ${version} to import io.opentelemetry:opentelemetry-bom, found no such import: no coherent set for agent ${version}`,
    );
  }
  return { 'opentelemetry-javaagent.version': version, 'opentelemetry.version': api };
}

async function pythonCompanionsReleased(
  version: string,
  { pip, requirements }: { pip: PythonPackages; requirements: string },
) {
  assertReleased('python', { version, released: releases(await pip.versions(sdkAnchors.python.lead)) });
  return pythonCompanions(version, { pip, requirements });
}
