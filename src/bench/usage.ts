// From the samples of each component's usage taken while the load ran, to what one run used:
// the most memory each held, the CPU time each spent, and the most the chain held at once.
import type { ComponentUsage } from './summary.js';

/** One component's usage at a moment, as the runtime reads it. */
interface UsageReading {
  rssBytes: number;
  cpuSeconds: number;
}

type UsageSample = Record<string, UsageReading>;

/** Samples in the order taken; the first at the load's start, the last at its end. */
export function usageDuringLoad(samples: readonly UsageSample[]): {
  usage: Record<string, ComponentUsage>;
  chainPeakRssBytes: number;
} {
  const first = samples[0] ?? {};
  const last = samples[samples.length - 1] ?? {};
  const usage: Record<string, ComponentUsage> = {};
  for (const component of Object.keys(last)) {
    usage[component] = {
      peakRssBytes: Math.max(...samples.map((s) => s[component]?.rssBytes ?? 0)),
      cpuSeconds: (last[component]?.cpuSeconds ?? 0) - (first[component]?.cpuSeconds ?? 0),
    };
  }
  const sums = samples.map((s) => Object.values(s).reduce((sum, reading) => sum + reading.rssBytes, 0));
  return { usage, chainPeakRssBytes: Math.max(0, ...sums) };
}
