// A component's local build recipe for a version set other than the one its
// manifest pins: the build copies the component's inputs (or its manifest)
// into the cache and pins the versions there with the language's own client,
// so the checkout is never written and the cache key (the recipe is part of
// it) names the set. What each pin is lives in sdk/sdk-pins.ts, which the
// docker runtime's pinned contexts read too; here, where it goes in a recipe.
import type { LocalRecipe } from '../../topology/types.js';
import { sdkAnchors, type ResolvedSdk } from '../../topology/sdk-versions.js';
import { collectorBuilder } from '../sdk/collector-companions.js';
import { nodeBinaryPackage } from '../sdk/nodejs-companions.js';
import { collectorPins, goPinSteps, mavenPinArgs, npmPinSteps, npmQuiet, pythonPins } from '../sdk/sdk-pins.js';

export function pinnedRecipe(recipe: LocalRecipe, sdk: ResolvedSdk): LocalRecipe {
  if (sdk.isDefault) return recipe;
  switch (sdk.language) {
    case 'go':
      // In the copy, before the build.
      return {
        ...recipe,
        buildFromCopy: true,
        build: [...goPinSteps(sdk), ...recipe.build],
      };
    case 'java':
      // On Maven's command line.
      return {
        ...recipe,
        build: recipe.build.map((step) =>
          step.cmd === 'mvn' ? { ...step, args: [...step.args, ...mavenPinArgs(sdk)] } : step,
        ),
      };
    case 'python':
      // On pip's command line, in place of the requirements file.
      return {
        ...recipe,
        build: recipe.build.map((step) =>
          step.args.includes('-r')
            ? {
                ...step,
                args: ['install', '--quiet', '--no-deps', ...pythonPins(sdk)],
              }
            : step,
        ),
      };
    case 'nodejs':
      return nodejsRecipe(recipe, sdk);
    case 'collector':
      return collectorRecipe(recipe, sdk);
  }
}

/** Where the Node.js binary package lands in a build folder, and its executable. */
const nodeBinary = `{build}/node/node_modules/${nodeBinaryPackage()}/bin/node`;

/**
 * JS: npm installs the whole resolved set, exactly, into the copy's package.json and lock (what
 * the release has none of is uninstalled first). A line the machine's Node is too old for gets
 * Node's own binary from the npm registry into the build folder, and the service starts on it.
 */
function nodejsRecipe(recipe: LocalRecipe, sdk: ResolvedSdk): LocalRecipe {
  const removed = sdk.removed ?? [];
  return {
    ...recipe,
    buildFromCopy: true,
    build: [
      ...npmPinSteps(sdk, { lockOnly: false }),
      ...(sdk.node
        ? [
            {
              cmd: 'npm',
              args: [
                'install',
                ...npmQuiet,
                '--ignore-scripts',
                '--no-save',
                '--prefix',
                '{build}/node',
                `${nodeBinaryPackage()}@${sdk.node}`,
              ],
            },
          ]
        : []),
    ],
    // The anchor's own package stands for the install where the recipe's names one the release lacks.
    outputs: [
      ...recipe.outputs.map((o) =>
        removed.some((r) => o.includes(`${r}/`)) ? `node_modules/${sdkAnchors.nodejs.lead}/package.json` : o,
      ),
      ...(sdk.node ? [nodeBinary] : []),
    ],
    ...(sdk.node ? { start: { ...recipe.start, cmd: nodeBinary } } : {}),
  };
}

/**
 * Collector: the builder at the release asked for, run on a copy of the manifest whose every
 * module is moved to its resolved version (the builder writes its own version into the
 * generated go.mod, so it moves with them).
 */
function collectorRecipe(recipe: LocalRecipe, sdk: ResolvedSdk): LocalRecipe {
  const manifest = sdkAnchors.collector.manifest;
  const { builder, moveModules } = collectorPins(sdk, `{build}/${manifest}`);
  return {
    ...recipe,
    build: [
      { cmd: 'cp', args: [`{src}/${manifest}`, `{build}/${manifest}`] },
      moveModules,
      ...recipe.build.map((step) => ({
        ...step,
        args: step.args.map((a) =>
          a.startsWith(`${collectorBuilder}@`)
            ? `${collectorBuilder}@${builder}`
            : a === `{src}/${manifest}`
              ? `{build}/${manifest}`
              : a,
        ),
      })),
    ],
  };
}
