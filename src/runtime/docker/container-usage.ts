// What a container uses now, from the engine's stats (one sample, no stream):
// memory as `docker stats` counts it (the cgroup's usage less its inactive
// file pages; cgroup v1 and v2 name that field differently) and CPU time.
import type { Dockerode } from './engine.js';
import type { ProcessUsage } from '../runtime.js';

interface MemoryStats {
  usage?: number;
  stats?: Record<string, number>;
}

/** The cgroup's memory less inactive file pages, as the docker CLI computes it. */
export function memoryInUse({ usage = 0, stats = {} }: MemoryStats): number {
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return inactive < usage ? usage - inactive : usage;
}

/** Usage of each named container (component name → container id); a container gone reads as zero. */
export async function containerUsage(
  docker: Dockerode,
  containers: ReadonlyMap<string, string>,
): Promise<Record<string, ProcessUsage>> {
  const entries = await Promise.all(
    [...containers].map(async ([name, id]) => {
      try {
        // one-shot: the engine answers at once instead of waiting for a second sample.
        const stats = (await docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false })) as {
          memory_stats?: MemoryStats;
          cpu_stats?: { cpu_usage?: { total_usage?: number } };
        };
        const usage: ProcessUsage = {
          rssBytes: memoryInUse(stats.memory_stats ?? {}),
          cpuSeconds: (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
        };
        return [name, usage] as const;
      } catch {
        return [name, { rssBytes: 0, cpuSeconds: 0 }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
