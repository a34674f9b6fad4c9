// From the runs of `polytrace bench` (each configuration once per round) to what it reports:
// latency and throughput per configuration, what each language's instrumentation adds, memory
// and CPU per component, and the spans lost. Pure: the runs in, the summary out.
import type { LoadResult } from '../traffic/load.js';
import { collector, services } from '../topology/chain.js';
import { serviceNames, type ServiceName } from '../topology/names.js';
import { allOff, allOn, benchConfigurations, offAlone, type BenchConfiguration } from './configurations.js';
import type { SpanCount } from './span-accounting.js';
import { confidenceInterval, mean, percentile, type Interval } from './statistics.js';

/** What one component used while the measured load ran. */
export interface ComponentUsage {
  /** The most resident memory seen (sampled during the load). */
  peakRssBytes: number;
  /** CPU time (user + system) spent during the load. */
  cpuSeconds: number;
}

/** One configuration, one round: the chain started with it, loaded, stopped. */
export interface ConfigurationRun {
  configuration: BenchConfiguration;
  /** From 1. */
  round: number;
  /** The measured requests (after the warm-up). */
  load: LoadResult;
  /** Warm-up requests answered as the flow expects: they make spans too. */
  warmupAnswered: number;
  /** By component name, the Collector's too. */
  usage: Record<string, ComponentUsage>;
  /** The most the whole chain held at once: the largest sum of one sample over the components. */
  chainPeakRssBytes: number;
  spans: SpanCount[];
  runDir: string;
}

interface ComponentSummary {
  component: string;
  /** The largest over the rounds. */
  peakRssBytes: number;
  cpuSeconds: Interval;
  cpuMsPerRequest: Interval;
}

export interface ConfigurationSummary {
  name: string;
  off: string[];
  rounds: number;
  /** Measured requests over all rounds, and those not answered as expected. */
  requests: number;
  failed: number;
  /** Percentiles of every round's latencies together. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Across rounds: each round's mean latency, and its requests per second. */
  meanMs: Interval;
  throughput: Interval;
  spans: {
    expected: number;
    received: number;
    lost: number;
    /** Spans that arrived from a service whose telemetry was off: the switch did not work. */
    fromOff: number;
  };
  components: ComponentSummary[];
  /** What polytrace's own load generator spent, per request: it shares the machine with the chain. */
  clientCpuMsPerRequest: Interval;
  chainPeakRssBytes: number;
}

/** What turning a language's telemetry on adds: all-on minus the configuration with it off, paired by round. */
export interface Overhead {
  /** A service's name, or `all` for every SDK at once (all-on minus all-off). */
  service: ServiceName | 'all';
  language: string;
  /** The configuration all-on is compared with. */
  against: string;
  /** Mean end-to-end latency per request. */
  addedMeanMs: Interval;
  addedP50Ms: Interval;
  /** CPU time per request, in the service itself (for `all`, in the four services together). */
  addedCpuMsPerRequest: Interval;
  /** The service's peak resident memory (for `all`, the whole chain's, Collector included). */
  addedPeakRssBytes: Interval;
}

interface FirstLoss {
  configuration: string;
  round: number;
  service: string;
  lost: number;
}

export interface BenchSummary {
  configurations: ConfigurationSummary[];
  /** One a service, in the topology's order. */
  languages: Array<Overhead & { service: ServiceName }>;
  total?: Overhead;
  /** The first configuration, in the order they ran, that lost a span (none is the bar). */
  firstLoss?: FirstLoss;
  peakChainRssBytes: number;
  chainMemoryLimitBytes: number;
}

/** The whole chain, Collector included, must stay under this while it runs. */
export const chainMemoryLimitBytes = 1024 ** 3;

const throughputOf = (load: LoadResult) => load.latenciesMs.length / (load.durationMs / 1000);
const cpuMsPerRequest = (run: ConfigurationRun, component: string) =>
  ((run.usage[component]?.cpuSeconds ?? 0) * 1000) / Math.max(run.load.sent, 1);

function summarizeConfiguration(configuration: BenchConfiguration, runs: ConfigurationRun[]): ConfigurationSummary {
  const latencies = runs.flatMap((r) => r.load.latenciesMs);
  const spans = runs.flatMap((r) => r.spans);
  const on = spans.filter((s) => s.telemetry === 'on');
  // The Collector first, then the services in the topology's order; anything else after them.
  const known: readonly string[] = [collector.name, ...serviceNames];
  const measured = new Set(runs.flatMap((r) => Object.keys(r.usage)));
  const components = [
    ...known.filter((name) => measured.has(name)),
    ...[...measured].filter((n) => !known.includes(n)),
  ];
  return {
    name: configuration.name,
    off: configuration.off,
    rounds: runs.length,
    requests: runs.reduce((sum, r) => sum + r.load.sent, 0),
    failed: runs.reduce((sum, r) => sum + r.load.failed, 0),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    meanMs: confidenceInterval(runs.map((r) => mean(r.load.latenciesMs))),
    throughput: confidenceInterval(runs.map((r) => throughputOf(r.load))),
    spans: {
      expected: on.reduce((sum, s) => sum + s.expected, 0),
      received: on.reduce((sum, s) => sum + s.received, 0),
      lost: on.reduce((sum, s) => sum + s.lost, 0),
      fromOff: spans.filter((s) => s.telemetry === 'off').reduce((sum, s) => sum + s.received, 0),
    },
    components: components.map((component) => ({
      component,
      peakRssBytes: Math.max(...runs.map((r) => r.usage[component]?.peakRssBytes ?? 0)),
      cpuSeconds: confidenceInterval(runs.map((r) => r.usage[component]?.cpuSeconds ?? 0)),
      cpuMsPerRequest: confidenceInterval(runs.map((r) => cpuMsPerRequest(r, component))),
    })),
    clientCpuMsPerRequest: confidenceInterval(
      runs.map((r) => (r.load.clientCpuSeconds * 1000) / Math.max(r.load.sent, 1)),
    ),
    chainPeakRssBytes: Math.max(...runs.map((r) => r.chainPeakRssBytes)),
  };
}

/** all-on minus `against`, round by round, over the rounds that ran both. */
function overhead<S extends ServiceName | 'all'>({
  runs,
  against,
  service,
  language,
}: {
  runs: ConfigurationRun[];
  against: BenchConfiguration;
  service: S;
  language: string;
}): (Overhead & { service: S }) | undefined {
  const byRound = (name: string) => new Map(runs.filter((r) => r.configuration.name === name).map((r) => [r.round, r]));
  const on = byRound(allOn.name);
  const off = byRound(against.name);
  const pairs = [...on.keys()].filter((round) => off.has(round)).map((round) => [on.get(round)!, off.get(round)!]);
  if (pairs.length === 0) return undefined;
  const measured: readonly ServiceName[] = service === 'all' ? serviceNames : [service as ServiceName];
  const cpu = (run: ConfigurationRun) => measured.reduce((sum, name) => sum + cpuMsPerRequest(run, name), 0);
  const rss = (run: ConfigurationRun) =>
    service === 'all' ? run.chainPeakRssBytes : (run.usage[service]?.peakRssBytes ?? 0);
  const added = (of: (run: ConfigurationRun) => number) => confidenceInterval(pairs.map(([a, b]) => of(a!) - of(b!)));
  return {
    service,
    language,
    against: against.name,
    addedMeanMs: added((r) => mean(r.load.latenciesMs)),
    addedP50Ms: added((r) => percentile(r.load.latenciesMs, 50)),
    addedCpuMsPerRequest: added(cpu),
    addedPeakRssBytes: added(rss),
  };
}

function firstLoss(runs: ConfigurationRun[]): FirstLoss | undefined {
  for (const run of runs) {
    const losing = run.spans.find((s) => s.lost > 0);
    if (losing) {
      return { configuration: run.configuration.name, round: run.round, service: losing.service, lost: losing.lost };
    }
  }
  return undefined;
}

/** The summary of runs given in the order they ran. */
export function summarizeBench(runs: ConfigurationRun[]): BenchSummary {
  const configurations = benchConfigurations
    .map((c) => [c, runs.filter((r) => r.configuration.name === c.name)] as const)
    .filter(([, ofConfiguration]) => ofConfiguration.length > 0)
    .map(([c, ofConfiguration]) => summarizeConfiguration(c, ofConfiguration));
  const languages = services
    .map((s) => overhead({ runs, against: offAlone(s.name), service: s.name, language: s.language }))
    .filter((o) => o !== undefined);
  const total = overhead({ runs, against: allOff, service: 'all', language: 'all' });
  const loss = firstLoss(runs);
  return {
    configurations,
    languages,
    ...(total ? { total } : {}),
    ...(loss ? { firstLoss: loss } : {}),
    peakChainRssBytes: Math.max(0, ...runs.map((r) => r.chainPeakRssBytes)),
    chainMemoryLimitBytes,
  };
}
