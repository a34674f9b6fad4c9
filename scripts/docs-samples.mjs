// `npm run docs:samples`: the samples of output in the README and docs/ made
// anew from a real run. Runs the real CLI (a `check` of one request on the local
// runtime), keeps the run's evidence in docs/samples/check/ (the Collector's
// spans.jsonl and metrics.jsonl, and run.json: what the run sent), then lets
// test/unit/docs-samples.test.ts render every sample from that evidence and
// write it between its markers (POLYTRACE_UPDATE_DOCS=1). Without that variable
// the same test compares instead, so a sample cannot drift from the code.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => process.stderr.write(`polytrace docs ▸ ${message}\n`);

function run(command, args, { exitCode = 0, ...options } = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...options });
  if (result.status !== exitCode) {
    say(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    // A check that failed still printed its result: say which checks, since a sample shows a run that passed.
    for (const trace of parsed(result.stdout)?.traces ?? []) {
      for (const check of trace.checks.filter((c) => !c.ok)) say(`✗ ${check.name}: ${check.message}`);
    }
    // Not process.exit: the temporary run folders are removed on the way out.
    throw Object.assign(new Error(`${command} failed`), { exitCode: result.status || 1 });
  }
  return result.stdout?.toString() ?? '';
}

function parsed(stdout) {
  try {
    return JSON.parse(stdout?.toString() ?? '');
  } catch {
    return undefined;
  }
}

/** Each run, and what of it is kept: a check's evidence to verify again, or the conformance probe's verdicts. */
const samples = [
  { name: 'check', args: ['check', '--runtime', 'local', '--requests', '1'], keep: keepCheck },
  { name: 'async', args: ['check', '--runtime', 'local', '--scenario', 'async', '--requests', '1'], keep: keepCheck },
  { name: 'conformance', args: ['conformance', '--runtime', 'local'], keep: keepConformance },
  // A cell whose break only the directions find: it exits 1, and that is what the sample shows.
  {
    name: 'directions',
    args: ['check', '--runtime', 'local', '--requests', '1', '--sdk', 'go=1.41.0', '--sdk', 'java=2.26.0'],
    keep: keepDirections,
    exitCode: 1,
  },
];

function keepCheck(result, kept, args) {
  copyFileSync(result.spansFile, join(kept, 'spans.jsonl'));
  copyFileSync(result.metrics.file, join(kept, 'metrics.jsonl'));
  const facts = {
    command: `polytrace ${args.join(' ')}`,
    scenario: result.scenario,
    runtime: result.runtime,
    runId: basename(result.runDir),
    durationMs: result.durationMs,
    requests: result.traces.map((t) => ({ flow: t.flow, traceId: t.traceId, status: t.status })),
  };
  writeFileSync(join(kept, 'run.json'), `${JSON.stringify(facts, null, 2)}\n`);
}

function keepConformance(result, kept) {
  // The run's folder was a temporary one, gone by now: not kept.
  const facts = { ...result, runDir: null, spansFile: null };
  writeFileSync(join(kept, 'result.json'), `${JSON.stringify(facts, null, 2)}\n`);
}

function keepDirections(result, kept, args) {
  // The headers themselves (what was handed over, and the call that followed), the SDKs the spans
  // named, and the chain's hops as the traces saw them: enough to judge every direction again.
  copyFileSync(join(result.runDir, 'directions.json'), join(kept, 'directions.json'));
  const facts = {
    command: `polytrace ${args.join(' ')}`,
    sdks: result.sdks,
    observed: result.directions.flatMap((d) =>
      d.observed ? [{ from: d.from.service, to: d.to.service, ...d.observed }] : [],
    ),
  };
  writeFileSync(join(kept, 'run.json'), `${JSON.stringify(facts, null, 2)}\n`);
}

const outDir = mkdtempSync(join(tmpdir(), 'polytrace-docs-'));
try {
  // `node scripts/docs-samples.mjs async`: only the runs named (each sample is written from what is kept).
  const only = process.argv.slice(2);
  for (const { name, args, keep, exitCode } of samples.filter((s) => only.length === 0 || only.includes(s.name))) {
    say(`a real run for the "${name}" samples: polytrace ${args.join(' ')}`);
    const result = JSON.parse(
      run('node', ['bin/polytrace.js', ...args, '--json', '--out-dir', outDir], { maxBuffer: 64 << 20, exitCode }),
    );
    const kept = join(root, 'docs', 'samples', name);
    rmSync(kept, { recursive: true, force: true });
    mkdirSync(kept, { recursive: true });
    keep(result, kept, args);
    say(`kept its evidence in ${join('docs', 'samples', name)}/`);
  }
  say('writing every sample from the kept evidence (test/unit/docs-samples.test.ts)…');
  run(join(root, 'node_modules', '.bin', 'vitest'), ['run', 'test/unit/docs-samples.test.ts'], {
    env: { ...process.env, POLYTRACE_UPDATE_DOCS: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  say('done: review the change with `git diff README.md docs/`');
} catch (error) {
  if (error.exitCode === undefined) throw error;
  process.exitCode = error.exitCode;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
