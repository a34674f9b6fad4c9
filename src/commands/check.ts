import { check } from '../core/check.js';
import { exitCodes } from '../core/errors.js';
import { renderJson } from '../report/json.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { renderCheckResult } from '../report/terminal.js';
import { chainOptions, parseCount, type ChainFlags } from './options.js';
import { stderrProgress } from './progress-printer.js';

export interface CheckFlags extends ChainFlags {
  requests: string;
  json?: boolean;
}

export async function checkCommand(flags: CheckFlags, signal: AbortSignal): Promise<number> {
  const options = { ...chainOptions(flags, stderrProgress()), requests: parseCount('--requests', flags.requests, 100) };
  const result = await check(options, signal);
  if (flags.json) {
    process.stdout.write(renderJson(result));
  } else {
    const colors = colorsFor(colorEnabled(process.stdout));
    process.stdout.write(`${renderCheckResult(result, { width: process.stdout.columns || 100, colors })}\n`);
  }
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}
