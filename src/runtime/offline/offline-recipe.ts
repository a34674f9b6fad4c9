// How a component's build is pointed at the pack's stores, in the two ways a
// pack is used: `pack` fills them (online, every download landing in the
// stores, none in the user's caches), and a build after `unpack` reads only
// them (each client told to stay offline). Only the environment and Maven's
// command line change: the steps are the recipe's own.
import { join } from 'node:path';
import type { LocalRecipe } from '../../topology/types.js';
import type { BuildTarget } from '../local/build.js';
import type { PackStore } from './offline-cache.js';

type Stores = Record<PackStore, string>;

export const storesIn = (dir: string): Stores => ({
  gomod: join(dir, 'gomod'),
  maven: join(dir, 'maven'),
  wheels: join(dir, 'wheels'),
  npm: join(dir, 'npm'),
});

/** GOFLAGS is a list: the recipe's own flags (the Collector's -e) stay. */
const goFlags = (recipe: LocalRecipe, flag: string) => [recipe.env?.GOFLAGS, flag].filter(Boolean).join(' ');

const withMaven = (recipe: LocalRecipe, args: string[]): LocalRecipe['build'] =>
  recipe.build.map((step) => (step.cmd === 'mvn' ? { ...step, args: [...args, ...step.args] } : step));

/** Each client's store, online and offline alike. */
function storeEnv(recipe: LocalRecipe, stores: Stores): Record<string, string> {
  const uses = (tool: string) => recipe.toolchains.includes(tool);
  return {
    ...(uses('go') ? { GOMODCACHE: stores.gomod } : {}),
    ...(uses('npm') ? { npm_config_cache: stores.npm } : {}),
  };
}

/** `pip install …` as `pip wheel …`: the same packages, kept as wheels. */
const wheelArgs = (install: readonly string[]): string[] =>
  install.map((arg, i) => (i === install.indexOf('install') ? 'wheel' : arg));

/** The recipe that fills the stores as it builds: a pip wheel step keeps what pip installed. */
export function fillingTarget(target: BuildTarget, options: { stores: Stores; pipCache: string }): BuildTarget {
  const { recipe } = target;
  const { stores } = options;
  const uses = (tool: string) => recipe.toolchains.includes(tool);
  const pip = recipe.build.find((step) => step.cmd.endsWith('/pip'));
  return {
    ...target,
    recipe: {
      ...recipe,
      build: [
        ...withMaven(recipe, [`-Dmaven.repo.local=${stores.maven}`]),
        // Every wheel the install resolves to (the requirements, or a pinned set), built where
        // only a source distribution exists, so that the room's pip installs with no index at all.
        ...(pip ? [{ cmd: pip.cmd, args: [...wheelArgs(pip.args), '-w', stores.wheels] }] : []),
      ],
      env: {
        ...recipe.env,
        ...storeEnv(recipe, stores),
        // Go makes its module cache read-only; a pack's stage is removed after it is written.
        ...(uses('go') ? { GOFLAGS: goFlags(recipe, '-modcacherw') } : {}),
        ...(uses('python3') ? { PIP_CACHE_DIR: options.pipCache } : {}),
      },
    },
  };
}

/**
 * The recipe that builds from the stores alone: every client told not to reach a registry. A pack
 * carries Go's downloads only (the module zips, half the size of the cache they unzip to): they
 * are Go's module proxy, and the build unzips what it needs into `<offline>/gomod-cache`.
 */
export function offlineTarget(target: BuildTarget, stores: Stores): BuildTarget {
  const { recipe } = target;
  const uses = (tool: string) => recipe.toolchains.includes(tool);
  return {
    ...target,
    recipe: {
      ...recipe,
      build: withMaven(recipe, ['-o', `-Dmaven.repo.local=${stores.maven}`]),
      env: {
        ...recipe.env,
        ...storeEnv(recipe, stores),
        ...(uses('go')
          ? {
              GOMODCACHE: `${stores.gomod}-cache`,
              // A module cache's download folder is itself a module proxy: `go run pkg@version`
              // (the Collector's builder) asks a proxy for the module's version list, which
              // GOPROXY=off refuses even when every module is in the cache.
              GOPROXY: `file://${stores.gomod}`,
              // Writable, as the pack's stage is: a user can remove the cache without chmod.
              GOFLAGS: goFlags(recipe, '-mod=mod -modcacherw'),
              // No checksum database can be reached; the pack's sha256 covered the module cache,
              // and go.sum still checks every module a go.sum names.
              GOSUMDB: 'off',
            }
          : {}),
        ...(uses('python3') ? { PIP_NO_INDEX: '1', PIP_FIND_LINKS: stores.wheels } : {}),
        ...(uses('npm') ? { npm_config_offline: 'true' } : {}),
      },
    },
  };
}
