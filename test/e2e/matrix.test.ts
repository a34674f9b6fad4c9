// End-to-end: `polytrace matrix` runs two cells of the version matrix on the
// local runtime, one after another in one process, from real SDKs at the
// versions asked for. Java agent 2.26.0 starts traces with the W3C Level 2
// random flag (traceparent -03), which Go otel 1.41.0 refuses and 1.47.0
// accepts: with an expect file marking go=1.41.0 broken, the matrix passes
// only when that cell is found broken from the evidence and the other passes.
// The same cells as the directions' own test, so the builds are shared.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { localTargets } from '../../src/runtime/local/build-targets.js';
import { missingToolchains } from '../../src/runtime/toolchains.js';
import { chainPortsFree, outDir, polytrace, portBases, portFlags, portsAt } from './run-cli.js';

const ci = process.env.CI === 'true';
const missing = await missingToolchains(localTargets.flatMap((t) => t.recipe.toolchains));
// On CI a missing toolchain is a failure, not a reason to skip.
const runnable = missing.length === 0 || ci;
if (!runnable) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPED: polytrace matrix end to end. Missing: ${missing.join(', ')}\n${line}\n`);
}

const coldBuild = 40 * 60_000;

interface MatrixJson {
  ok: boolean;
  interrupted: boolean;
  cells: Array<{
    label: string;
    expect: string;
    verdict: string;
    outcome: string;
    built: string[];
    durationMs: number;
    breaks: Array<{ kind: string; where: string; traceparent?: string; message: string }>;
    reported?: Array<{ where: string }>;
    error?: { message: string; exitCode: number };
  }>;
}

describe('polytrace matrix (local runtime)', () => {
  it.runIf(runnable)(
    'finds Java agent 2.26.0 → Go otel 1.41.0 broken (flags 03) as expected, 2.26.0 → 1.47.0 passing; exit 0, JUnit and JSON agree',
    async () => {
      expect(missing, 'the local runtime needs these toolchains').toEqual([]);
      const dir = outDir();
      const expectFile = join(dir, 'expect.json');
      writeFileSync(
        expectFile,
        JSON.stringify({
          cells: [{ sdk: { go: '1.41.0' }, expect: 'broken', why: 'Go otel 1.41.0 refuses flags above 2' }],
        }),
      );
      const [junitFile, htmlFile] = [join(dir, 'matrix.xml'), join(dir, 'matrix.html')];
      const result = await polytrace([
        'matrix',
        '--runtime',
        'local',
        '--sdk',
        'java=2.26.0',
        '--sdk',
        'go=1.41.0,1.47.0',
        '--expect',
        expectFile,
        '--json',
        '--junit',
        junitFile,
        '--html',
        htmlFile,
        '--out-dir',
        join(dir, 'runs'),
        ...portFlags(portsAt(portBases.matrix)),
      ]);
      expect(result.stderr).toMatch(/cell 1\/2: go=1\.41\.0 java=2\.26\.0/);
      expect(result.stderr).toMatch(/cell 2\/2: go=1\.47\.0 java=2\.26\.0/);
      const json = JSON.parse(result.stdout) as MatrixJson;
      expect(result.exitCode, result.all).toBe(0);
      expect(json.ok).toBe(true);
      const [broken, passing] = json.cells;
      expect(broken).toMatchObject({ label: 'go=1.41.0 java=2.26.0', expect: 'broken', verdict: 'broken' });
      expect(passing).toMatchObject({ label: 'go=1.47.0 java=2.26.0', expect: 'pass', verdict: 'pass' });
      // The diagnosis names both versions and the flags, from what the SDKs really sent.
      const diagnosis = JSON.stringify(broken!.breaks);
      const javaToGo = broken!.breaks.find((b) => b.where.startsWith('java → go'));
      expect(javaToGo, diagnosis).toBeDefined();
      expect(javaToGo!.traceparent, diagnosis).toMatch(/-03$/);
      for (const named of ['2.26.0', '1.41.0', '-03']) expect(javaToGo!.message, diagnosis).toContain(named);
      // The cell names Java and Go: the default Python's -03 roots break python → go too, said beside it.
      expect(broken!.breaks.map((b) => b.where)).toEqual(['java → go (root)']);
      expect(broken!.reported?.map((b) => b.where)).toEqual(['python → go (root)']);
      // Both cells share the Java 2.26.0 build: the second never builds auth-service.
      expect(passing!.built).not.toContain('auth-service');
      console.info(
        `matrix cells: ${json.cells.map((c) => `${c.label} ${(c.durationMs / 1000).toFixed(1)}s built [${c.built.join(', ')}]`).join('; ')}`,
      );

      const xml = readFileSync(junitFile, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const junit = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        isArray: (name) => name === 'testcase',
      }).parse(xml) as {
        testsuites: { tests: string; failures: string; testsuite: { testcase: Array<{ name: string }> } };
      };
      expect([junit.testsuites.tests, junit.testsuites.failures]).toEqual(['2', '0']);
      expect(junit.testsuites.testsuite.testcase.map((c) => c.name)).toEqual(json.cells.map((c) => c.label));
      expect(readFileSync(htmlFile, 'utf8')).toContain('2/2 cells did what they were expected to do');
    },
    coldBuild,
  );

  it.runIf(runnable)(
    'gives an unresolvable cell the verdict error, with the registry line, and exit 1',
    async () => {
      const result = await polytrace([
        'matrix',
        '--runtime',
        'local',
        '--sdk',
        'go=1.41.9',
        '--json',
        '--out-dir',
        outDir(),
        ...portFlags(portsAt(portBases.matrix)),
      ]);
      expect(result.exitCode, result.all).toBe(1);
      const json = JSON.parse(result.stdout) as MatrixJson;
      expect(json.cells[0]).toMatchObject({ verdict: 'error', error: { exitCode: 2 } });
      expect(json.cells[0]!.error!.message).toMatch(/got 1\.41\.9; released from 1\.41\.0: 1\.41\.0, 1\.42\.0/);
    },
    5 * 60_000,
  );

  it.runIf(runnable)(
    'stops at Ctrl-C during the second cell: exit 130, the first cell reported, the chain stopped',
    async () => {
      const ports = portsAt(portBases.matrix + 100);
      const run = polytrace([
        'matrix',
        '--runtime',
        'local',
        '--sdk',
        'java=2.26.0',
        '--sdk',
        'go=1.47.0,1.41.0',
        '--json',
        '--out-dir',
        outDir(),
        ...portFlags(ports),
      ]);
      // Interrupted once the second cell's chain is partly up: the moment teardown is tested hardest.
      // Once: a second SIGINT forces the exit without a report, as it should.
      let [second, sent] = [false, false];
      run.stderr.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (/cell 2\/2: go=1\.41\.0 java=2\.26\.0 …/.test(text)) second = true;
        if (second && !sent && /(order-service|notification-service) is ready/.test(text)) {
          sent = true;
          run.kill('SIGINT');
        }
      });
      const result = await run;
      expect(result.exitCode, result.all).toBe(130);
      const json = JSON.parse(result.stdout) as MatrixJson & { planned: number };
      expect(json).toMatchObject({ interrupted: true, ok: false, planned: 2 });
      expect(json.cells.map((c) => [c.label, c.verdict])).toEqual([['go=1.47.0 java=2.26.0', 'pass']]);
      // Every port of the interrupted cell is free again.
      expect(Object.values(await chainPortsFree(ports)).every(Boolean)).toBe(true);
    },
    coldBuild,
  );

  it.each([
    [['matrix'], /Expected the cells: --sdk language=version\[,version…\]/],
    [['matrix', '--sdk', 'go=1.41.0,1.41'], /Expected --sdk go=MAJOR\.MINOR\.PATCH/],
    [['matrix', '--sdk', 'go=1.41.0', '--runtime', 'docker'], /Allowed choices are auto, local/],
    [['matrix', '--cells', 'no-such-file.json'], /Expected --cells to name a readable file, got no-such-file\.json/],
    [['matrix', '--cells', 'package.json'], /package\.json: Expected an object with a "cells" list/],
  ])('gives exit 2 and one line for %j', async (args, message) => {
    const result = await polytrace(args);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
