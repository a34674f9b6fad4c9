// What every docker end-to-end file needs before its first run: an engine
// (under CI=true a missing one fails the file; elsewhere it is skipped, loudly),
// and the chain's base images, prepared as the README says when there are none.
import { execa } from 'execa';
import { expect } from 'vitest';
import { dockerAvailability } from '../../src/runtime/docker/availability.js';
import { connectEngine, dockerode } from '../../src/runtime/docker/engine.js';
import { label, labelFilter } from '../../src/runtime/docker/labels.js';
import { cli, repo } from './run-cli.js';

const availability = await dockerAvailability();
const ci = process.env.CI === 'true';

/** Whether a file's docker tests run here: always under CI, where a missing engine then fails them. */
export const runsDocker = availability.engine.ok || ci;

/** Without prepared images, a first run builds every image of the chain (several minutes). */
export const coldBuild = 30 * 60_000;

/** The loud line a developer's machine without an engine gets instead of the file's tests. */
export function warnIfSkipped(what: string): void {
  if (runsDocker) return;
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPED: ${what}. No Docker engine answers: ${availability.engine.detail}\n${line}\n`);
}

/**
 * A beforeAll: fails without an engine (.ci/run starts one); with no stand-in images, prepares them.
 * Where that cannot run (not root, no debootstrap), the runs fall back to the official images.
 */
export async function engineWithImages(): Promise<void> {
  if (!availability.engine.ok)
    expect.fail(`Expected a Docker engine (.ci/run starts one), got: ${availability.engine.detail}`);
  if (availability.images) return;
  const prepared = await execa('node', [cli, 'images', 'prepare'], {
    cwd: repo,
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  if (prepared.exitCode !== 0)
    console.warn(`polytrace images prepare failed; trying the official base images:\n${prepared.all}`);
}

/** Containers and networks of one run (its id is its folder's name) still on the engine. */
export async function leftovers(runId: string): Promise<string[]> {
  const docker = dockerode(await connectEngine());
  const filters = labelFilter(label.run, runId);
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`)];
}
