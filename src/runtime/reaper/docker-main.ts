// The docker runtime's detached reaper (see reaper.ts): `node docker-main.js <run id>`.
// It waits for its stdin (a pipe from the CLI) to close, then removes what is
// left of that run, by label, and exits. Every step is bounded.
import { connectEngine, dockerode } from '../docker/engine.js';
import { label, labelFilter } from '../docker/labels.js';
import { untilPolytraceEnds } from './pipe.js';

const runId = process.argv[2] ?? '';
const say = (message: string) =>
  process.stdout.write(`${new Date().toISOString()} reaper ${process.pid} (run ${runId}): ${message}\n`);

await untilPolytraceEnds();

// Whatever happens below, a minute later the reaper is gone: a helper that outlives its
// purpose is one more thing left behind.
setTimeout(() => {
  say('gave up after 60s');
  process.exit(1);
}, 60_000).unref();

try {
  const docker = dockerode(await connectEngine());
  const filters = labelFilter(label.run, runId);
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map(async (c) => {
      say(`removing container ${c.Names[0] ?? c.Id}`);
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((e: Error) => say(`  ${e.message}`));
    }),
  );
  for (const network of await docker.listNetworks({ filters })) {
    say(`removing network ${network.Name}`);
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch((e: Error) => say(`  ${e.message}`));
  }
  if (containers.length === 0) say('nothing left to remove');
  process.exit(0);
} catch (error) {
  say(`could not clean up: ${(error as Error).message}`);
  process.exit(1);
}
