import { resolve } from 'node:path';
import { conformance, type ConformanceTarget } from '../core/conformance.js';
import { exitCodes, UsageError } from '../common/errors.js';
import { conformanceReporters, type ReportContext } from '../report/reporters.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { toFile } from './emit-reports.js';
import { localRuntimeOnly, parseChainFlags, parsePorts, type ChainFlags } from './options.js';
import { stderrProgress } from './progress-printer.js';

export interface ConformanceFlags extends ChainFlags {
  running?: boolean;
  json?: boolean;
  junit?: string;
}

/** The chain flags that mean nothing for a chain polytrace does not start. */
const startOnly = ['runtime', 'scenario', 'baseImage', 'outDir'] as const;

/**
 * `polytrace conformance`: exit 0 whenever the probe ran, whatever it found (a failed case is
 * the SDK's behaviour, reported); 3 when it could not run (thrown as an EnvironmentError).
 * `fromCommandLine` says which flags the user gave, as opposed to their defaults.
 */
export async function conformanceCommand(
  flags: ConformanceFlags,
  signal: AbortSignal,
  fromCommandLine: (flag: string) => boolean,
): Promise<number> {
  const progress = stderrProgress();
  let target: ConformanceTarget;
  if (flags.running) {
    const given = startOnly.filter(fromCommandLine);
    if (given.length > 0) {
      throw new UsageError(
        `Expected only --port with --running (the chain is already up), got ${given.map((f) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
      );
    }
    target = { kind: 'running', ports: parsePorts(flags.port), progress };
  } else {
    const { runOptions, scenario } = parseChainFlags(flags, progress, true);
    // Each service's W3C endpoint calls back loopback URLs only, and the probe listens on this
    // machine's loopback: a service in a container, whose loopback is its own, cannot reach it.
    const local = localRuntimeOnly(runOptions, {
      command: 'conformance',
      why: "a service's W3C endpoint calls back loopback URLs only, and a container's loopback is not this machine's",
      progress,
    });
    target = { kind: 'chain', runOptions: local, scenario: scenario.name };
  }
  const result = await conformance(target, signal);
  const context: ReportContext = {
    width: process.stdout.columns || 100,
    colors: colorsFor(colorEnabled(process.stdout)),
  };
  process.stdout.write(conformanceReporters[flags.json ? 'json' : 'terminal'](result, context));
  if (flags.junit) await toFile('JUnit report', resolve(flags.junit), { text: conformanceReporters.junit(result) });
  return exitCodes.ok;
}
