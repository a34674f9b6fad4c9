// A component's local build recipe for a version set other than the one its
// manifest pins: the build copies the component's inputs into the cache and
// pins the versions there with the language's own client, so the checkout is
// never written and the cache key (the recipe is part of it) names the set.
import type { LocalRecipe } from '../../topology/types.js';
import type { ResolvedSdk } from '../../topology/sdk-versions.js';

export function pinnedRecipe(recipe: LocalRecipe, sdk: ResolvedSdk): LocalRecipe {
  if (sdk.isDefault) return recipe;
  const pins = Object.entries(sdk.companions);
  switch (sdk.language) {
    case 'go':
      // `go get` moves the requirements (downgrading whatever needs a newer otel with them), and
      // `go mod tidy` settles go.sum; both in the copy.
      return {
        ...recipe,
        buildFromCopy: true,
        build: [
          { cmd: 'go', args: ['get', ...pins.map(([module, version]) => `${module}@${version}`)] },
          { cmd: 'go', args: ['mod', 'tidy'] },
          ...recipe.build,
        ],
      };
    case 'java':
      // The pom's own properties, given on Maven's command line, where they win over the pom's.
      return {
        ...recipe,
        build: recipe.build.map((step) =>
          step.cmd === 'mvn'
            ? { ...step, args: [...step.args, ...pins.map(([key, value]) => `-D${key}=${value}`)] }
            : step,
        ),
      };
    case 'python':
      // The whole set pip resolved, pinned on pip's command line: nothing else comes in.
      return {
        ...recipe,
        build: recipe.build.map((step) =>
          step.args.includes('-r')
            ? {
                ...step,
                args: ['install', '--quiet', '--no-deps', ...pins.map(([name, version]) => `${name}==${version}`)],
              }
            : step,
        ),
      };
    default:
      throw new Error(`Expected a language whose versions polytrace pins (go, java, python), got ${sdk.language}`);
  }
}
