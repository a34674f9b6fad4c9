import { run } from '../core/run.js';
import { isJudgeable } from '../scenarios/scenario.js';
import { exitCodes, UsageError } from '../common/errors.js';
import { parseChainFlags, parseCount, withFreePorts, type ChainFlags } from './options.js';
import { emitReports, type ReportFlags } from './emit-reports.js';
import { stderrProgress } from './progress-printer.js';

export interface CheckFlags extends ChainFlags, ReportFlags {
  requests?: string;
  repeat: string;
  expectBroken?: boolean;
}

export async function checkCommand(flags: CheckFlags, signal: AbortSignal): Promise<number> {
  const parsed = parseChainFlags(flags, stderrProgress());
  const { scenario } = parsed;
  if (flags.expectBroken && !isJudgeable(scenario)) {
    throw new UsageError(`Expected --expect-broken with a scenario that breaks something, got "${scenario.name}"`);
  }
  const runOptions = await withFreePorts(parsed.runOptions, flags);
  const result = await run(
    {
      runOptions,
      scenario,
      ...(flags.requests !== undefined ? { requests: parseCount('--requests', flags.requests, 100) } : {}),
      repeat: parseCount('--repeat', flags.repeat, 50),
      expectBroken: Boolean(flags.expectBroken),
    },
    signal,
  );
  await emitReports(result, flags);
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}
