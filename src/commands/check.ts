import { run } from '../core/run.js';
import { isJudgeable } from '../scenarios/scenario.js';
import { exitCodes, UsageError } from '../common/errors.js';
import { localRuntimeOnly, parseChainFlags, parseCount, withFreePorts, type ChainFlags } from './options.js';
import { emitReports, type ReportFlags } from './emit-reports.js';
import { stderrProgress } from './progress-printer.js';

export interface CheckFlags extends ChainFlags, ReportFlags {
  requests?: string;
  repeat: string;
  expectBroken?: boolean;
  /** Try every direction between the chain's languages; on whenever `--sdk` names a cell. */
  directions?: boolean;
}

/** Why the directions need local processes: the probe's callback server listens on this machine's loopback. */
const directionsNeedLocal =
  "a service's W3C endpoint calls back loopback URLs only, and a container's loopback is not this machine's";

export async function checkCommand(flags: CheckFlags, signal: AbortSignal): Promise<number> {
  const progress = stderrProgress();
  // A cell of versions is tried in every direction, not only along the chain's own edges, where
  // the probe can reach the services: not in containers.
  const directions = Boolean(flags.directions) || ((flags.sdk ?? []).length > 0 && flags.runtime !== 'docker');
  const parsed = parseChainFlags(flags, progress, directions);
  const { scenario } = parsed;
  if (flags.expectBroken && !isJudgeable(scenario)) {
    throw new UsageError(`Expected --expect-broken with a scenario that breaks something, got "${scenario.name}"`);
  }
  const local = flags.directions
    ? localRuntimeOnly(parsed.runOptions, { command: '--directions', why: directionsNeedLocal, progress })
    : parsed.runOptions;
  const runOptions = await withFreePorts(local, flags);
  const result = await run(
    {
      runOptions,
      scenario,
      ...(flags.requests !== undefined ? { requests: parseCount('--requests', flags.requests, 100) } : {}),
      repeat: parseCount('--repeat', flags.repeat, 50),
      expectBroken: Boolean(flags.expectBroken),
      directions,
    },
    signal,
  );
  await emitReports(result, flags);
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}
