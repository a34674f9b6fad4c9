// What the local runtime builds: the Collector and each service, from its own
// folder of the repository, by the recipe the topology gives it.
import { join } from 'node:path';
import { repoRoot } from '../../common/paths.js';
import { collector, services } from '../../topology/chain.js';
import type { Service } from '../../topology/types.js';
import type { BuildTarget } from './build.js';

export const collectorTarget: BuildTarget = {
  name: collector.name,
  dir: join(repoRoot, collector.dir),
  recipe: collector.local,
};

export const serviceTarget = (s: Service): BuildTarget => ({
  name: s.name,
  dir: join(repoRoot, s.dir),
  recipe: s.local,
});

export const localTargets: BuildTarget[] = [collectorTarget, ...services.map(serviceTarget)];
