import { check } from '../core/check.js';
import { exitCodes, UsageError } from '../core/errors.js';
import { chainOptions, parseCount, type ChainFlags } from './options.js';
import { emitReports, type ReportFlags } from './emit-reports.js';
import { stderrProgress } from './progress-printer.js';

export interface CheckFlags extends ChainFlags, ReportFlags {
  requests?: string;
  repeat: string;
  expectBroken?: boolean;
}

export async function checkCommand(flags: CheckFlags, signal: AbortSignal): Promise<number> {
  const chain = chainOptions(flags, stderrProgress());
  if (flags.expectBroken && !chain.scenario.breaks) {
    throw new UsageError(
      `Expected --expect-broken with a scenario that breaks something, got "${chain.scenario.name}"`,
    );
  }
  const options = {
    ...chain,
    ...(flags.requests !== undefined ? { requests: parseCount('--requests', flags.requests, 100) } : {}),
    repeat: parseCount('--repeat', flags.repeat, 50),
    expectBroken: Boolean(flags.expectBroken),
  };
  const result = await check(options, signal);
  await emitReports(result, flags);
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}
