// What the local runtime builds: the Collector and each service, from its own
// folder of the repository, by the recipe the topology gives it, pinned to the
// run's version set where that differs from the manifests'.
import { join } from 'node:path';
import { repoRoot } from '../../common/paths.js';
import { collector, services } from '../../topology/chain.js';
import { sdkAnchors, sdkLanguages, type SdkSet } from '../../topology/sdk-versions.js';
import type { BuildTarget } from './build.js';
import { pinnedRecipe } from './pinned-recipe.js';

const collectorTarget: BuildTarget = {
  name: collector.name,
  dir: join(repoRoot, collector.dir),
  recipe: collector.local,
};

export const localTargets: BuildTarget[] = [
  collectorTarget,
  ...services.map((s) => ({ name: s.name, dir: join(repoRoot, s.dir), recipe: s.local })),
];

/**
 * The targets of a run: each one built with the version of its line the set names, and from the
 * folder `sources` names for it (a lab's workspace copy) instead of the tree's.
 */
export function localTargetsFor(set: SdkSet, sources: Partial<Record<string, string>> = {}): BuildTarget[] {
  return localTargets.map((tree) => {
    const target = { ...tree, dir: sources[tree.name] ?? tree.dir };
    const language = sdkLanguages.find((l) => sdkAnchors[l].component === target.name);
    return language ? { ...target, recipe: pinnedRecipe(target.recipe, set[language]) } : target;
  });
}
