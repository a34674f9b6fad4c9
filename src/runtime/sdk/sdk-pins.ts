// How a resolved line is pinned with its language's own client: the one
// place that knows it, read by the local runtime's recipes (pinned-recipe.ts)
// and the docker runtime's pinned build contexts (docker/sdk-contexts.ts), so
// both runtimes build a set the same way.
import type { ResolvedSdk } from '../../topology/sdk-versions.js';
import { collectorBuilder } from './collector-companions.js';

/** A command run in a copy of the component's folder. */
export interface PinStep {
  cmd: string;
  args: string[];
}

const pins = (sdk: ResolvedSdk) => Object.entries(sdk.companions);

/**
 * Go: `go get` moves the requirements (downgrading whatever needs a newer otel with them), and
 * `go mod tidy` settles go.sum.
 */
export const goPinSteps = (sdk: ResolvedSdk): PinStep[] => [
  { cmd: 'go', args: ['get', ...pins(sdk).map(([module, version]) => `${module}@${version}`)] },
  { cmd: 'go', args: ['mod', 'tidy'] },
];

/** Java: the pom's own properties, given on Maven's command line, where they win over the pom's. */
export const mavenPinArgs = (sdk: ResolvedSdk): string[] => pins(sdk).map(([key, value]) => `-D${key}=${value}`);

/** Python: the whole set pip resolved, `name==version` each, so nothing else comes in. */
export const pythonPins = (sdk: ResolvedSdk): string[] => pins(sdk).map(([name, version]) => `${name}==${version}`);

export const npmQuiet = ['--no-audit', '--no-fund', '--loglevel=error'];

/**
 * JS: npm installs the whole resolved set, exactly, into package.json and its lock; what the
 * release has none of is uninstalled first. `lockOnly` writes the two files and installs nothing
 * (for a Dockerfile whose `npm ci` installs what the lock says).
 */
export function npmPinSteps(sdk: ResolvedSdk, { lockOnly }: { lockOnly: boolean }): PinStep[] {
  const removed = sdk.removed ?? [];
  const only = lockOnly ? ['--package-lock-only'] : [];
  return [
    ...(removed.length ? [{ cmd: 'npm', args: ['uninstall', ...npmQuiet, ...only, ...removed] }] : []),
    { cmd: 'npm', args: ['install', ...npmQuiet, ...only, '--save-exact', ...pins(sdk).map(([n, v]) => `${n}@${v}`)] },
  ];
}

/**
 * Collector: the builder's release, and a `sed` that moves every module of the builder manifest
 * (`manifest`, a path) to its resolved version (the builder writes its own version into the
 * generated go.mod, so it moves with them).
 */
export function collectorPins(sdk: ResolvedSdk, manifest: string): { builder: string; moveModules: PinStep } {
  const { [collectorBuilder]: builder, ...modules } = sdk.companions;
  const escaped = (module: string) => module.replace(/[.]/g, '\\.');
  return {
    builder: builder!,
    moveModules: {
      cmd: 'sed',
      args: [
        '-i',
        '-E',
        ...Object.entries(modules).flatMap(([module, version]) => [
          '-e',
          `s|(gomod: ${escaped(module)}) v[^ ]+$|\\1 ${version}|`,
        ]),
        manifest,
      ],
    },
  };
}
