// The version matrix without a chain: cells from --sdk lists and from a cells
// file, expectations, a cell's verdict from a run's evidence, the GitHub
// Actions matrix, and each renderer of the result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';
import { cellLabel, cellsFromSdkFlags, maxCells } from '../../src/matrix/cell.js';
import { cellEvidence } from '../../src/matrix/cell-verdict.js';
import { maxCellsFileBytes, parseCellsFile } from '../../src/matrix/cells-file.js';
import { judgeCell, withExpectations } from '../../src/matrix/expectations.js';
import { githubMatrix } from '../../src/matrix/github-matrix.js';
import type { CellResult, MatrixResult } from '../../src/matrix/result.js';
import { matrixReporters } from '../../src/report/reporters.js';
import { colorsFor } from '../../src/report/style.js';
import { defaultSdkVersions, type SdkLanguage } from '../../src/topology/sdk-versions.js';
import type { DirectionVerdict } from '../../src/verify/direction.js';
import { checkResult, goodTrace, splitTrace } from './fixtures/run-result.js';

const defaults: Record<SdkLanguage, string> = {
  go: '1.47.0',
  java: '2.33.1',
  python: '1.45.1',
  nodejs: '2.12.0',
  collector: '0.162.0',
};

describe('cells from --sdk lists', () => {
  it('is every combination, the first language named varying slowest', () => {
    const cells = cellsFromSdkFlags(['java=2.25.0,2.26.0', 'go=1.41.0,1.47.0']);
    expect(typeof cells).not.toBe('string');
    expect((cells as Array<{ sdk: object }>).map((c) => c.sdk)).toEqual([
      { java: '2.25.0', go: '1.41.0' },
      { java: '2.25.0', go: '1.47.0' },
      { java: '2.26.0', go: '1.41.0' },
      { java: '2.26.0', go: '1.47.0' },
    ]);
  });

  it('labels a cell by the versions it names, in the chain order', () => {
    expect(cellLabel({ java: '2.26.0', go: '1.41.0' })).toBe('go=1.41.0 java=2.26.0');
    expect(cellLabel({})).toBe('defaults');
  });

  it.each([
    [['java'], /Expected --sdk language=version\[,version…\]/],
    [['rust=1.0.0'], /one of go, java, python, nodejs, collector, got "rust"/],
    [['go=1.41'], /Expected --sdk go=MAJOR\.MINOR\.PATCH/],
    [['go=1.41.0,'], /Expected --sdk go=MAJOR\.MINOR\.PATCH .*got ""/],
    [['go=1.41.0,1.41.0'], /Expected each version of go once/],
    [['go=1.41.0', 'go=1.47.0'], /Expected --sdk go=… once/],
    [[`go=${Array.from({ length: 17 }, (_, i) => `1.${i}.0`).join(',')}`], /at most 16 versions of go/],
    [
      [
        'go=1.40.0,1.41.0,1.42.0,1.43.0',
        'java=2.25.0,2.26.0,2.27.0,2.28.0',
        'python=1.42.0,1.42.1,1.43.0,1.44.0,1.45.0',
      ],
      new RegExp(`at most ${maxCells} cells, got 80`),
    ],
  ])('refuses %j in one line', (flags, message) => {
    const cells = cellsFromSdkFlags(flags);
    expect(cells).toMatch(message);
    expect(cells).not.toContain('\n');
  });
});

describe('the cells file', () => {
  const file = (cells: unknown, extra: object = {}) => JSON.stringify({ cells, ...extra });

  it('reads each cell with its versions, expectation and why', () => {
    expect(
      parseCellsFile(
        file(
          [
            { sdk: { java: '2.26.0', go: '1.41.0' }, expect: 'broken', breaks: ['java → go'], why: 'flags 03' },
            { sdk: { go: '1.47.0' } },
          ],
          {
            about: 'known breaks',
          },
        ),
        'cells.json',
      ),
    ).toEqual([
      { sdk: { java: '2.26.0', go: '1.41.0' }, expect: 'broken', breaks: ['java → go'], why: 'flags 03' },
      { sdk: { go: '1.47.0' } },
    ]);
  });

  it.each([
    ['not json', /Expected cells\.json to be JSON, got:/],
    ['[]', /Expected an object with a "cells" list/],
    [file([]), /Expected 1 to 64 cells, got 0/],
    [file([{ sdk: { go: '1.41.0' } }], { extra: 1 }), /only "about" and "cells" at the top, got "extra"/],
    [file([{ sdk: { go: '1.41' } }]), /cells\[0\]\.sdk: Expected sdk go=MAJOR\.MINOR\.PATCH/],
    [file([{ sdk: { rust: '1.0.0' } }]), /cells\[0\]\.sdk: Expected sdk to name one of go, java/],
    [file([{ sdk: { go: 1.41 } }]), /Expected cells\[0\]\.sdk\.go to be a version, got 1\.41/],
    [file([{ sdk: { go: '1.41.0' }, expect: 'fails' }]), /cells\[0\]\.expect to be "pass" or "broken", got "fails"/],
    [file([{ sdk: { go: '1.41.0' }, why: 'two\nlines' }]), /cells\[0\]\.why to be one line/],
    [file([{ sdk: { go: '1.41.0' }, why: 'x'.repeat(301) }]), /at most 300 characters/],
    [file([{ sdk: { go: '1.41.0' }, expected: 'broken' }]), /only sdk, expect, breaks and why, got "expected"/],
    [file([{ sdk: { go: '1.41.0' }, breaks: ['java → go'] }]), /cells\[0\]\.breaks only with "expect": "broken"/],
    [file([{ sdk: { go: '1.41.0' }, expect: 'broken', breaks: [] }]), /cells\[0\]\.breaks to list 1 to 20 places/],
    [file([{ sdk: { go: '1.41.0' }, expect: 'broken', breaks: [3] }]), /cells\[0\]\.breaks\[0\] to be one line/],
    [file([{ sdk: { go: '1.41.0' } }, { sdk: { go: '1.41.0' } }]), /each cell once, got cells\[1\] twice/],
    [file(Array.from({ length: 65 }, (_, i) => ({ sdk: { go: `1.${i}.0` } }))), /1 to 64 cells, got 65/],
    [' '.repeat(maxCellsFileBytes + 1), /at most 64 KiB, got cells\.json of 65537 bytes/],
  ])('refuses %s in one line that says where', (text, message) => {
    const cells = parseCellsFile(text, 'cells.json');
    expect(cells).toMatch(message);
    expect(cells).toMatch(/cells\.json/);
    expect(cells).not.toContain('\n');
  });

  it('ships known breaks that parse, each with a why, its expectations as the known breaks say', () => {
    const cells = parseCellsFile(
      readFileSync(join(repoRoot, 'matrix', 'known-breaks.json'), 'utf8'),
      'known-breaks.json',
    );
    if (typeof cells === 'string') throw new Error(cells);
    expect(cells.every((c) => c.why && c.expect)).toBe(true);
    const broken = cells.filter((c) => c.expect === 'broken').map((c) => cellLabel(c.sdk));
    expect(broken).toEqual([
      'go=1.41.0 java=2.26.0',
      'go=1.41.0 java=2.25.0 python=1.42.0',
      'go=1.41.0 java=2.25.0 python=1.42.1',
    ]);
    // Java 2.26.0 breaks where 2.25.0 passes; Python 1.42.1 where 1.42.0 did, in a header, not a verdict.
    const breaksOf = (label: string) => cells.find((c) => cellLabel(c.sdk) === label)?.breaks;
    expect(breaksOf('go=1.41.0 java=2.26.0')).toEqual(['java → go (root)']);
    expect(breaksOf('go=1.41.0 java=2.25.0 python=1.42.0')).toEqual(['python → go (root, child)']);
    expect(breaksOf('go=1.41.0 java=2.25.0 python=1.42.1')).toEqual(['python → go (root)']);
    // Used as its own --expect file, each cell meets its own entry, not a broader one before it.
    const expected = withExpectations(cells, { entries: cells, defaults: defaultSdkVersions() });
    expect(expected.map((c) => c.why)).toEqual(cells.map((c) => c.why));
    // The default Collector is one of its two releases.
    expect(cells.map((c) => c.sdk.collector).filter(Boolean)).toContain(defaultSdkVersions().collector);
  });
});

describe('expectations', () => {
  const cells = [{ sdk: { java: '2.26.0', go: '1.41.0' } }, { sdk: { java: '2.26.0' } }, { sdk: { go: '1.41.0' } }];

  it('applies an entry to every cell with all the versions it names, the defaults filled in', () => {
    const entries = [{ sdk: { go: '1.41.0', java: '2.26.0' }, expect: 'broken' as const, why: 'flags 03' }];
    expect(withExpectations(cells, { entries, defaults }).map((c) => c.expect)).toEqual(['broken', 'pass', 'pass']);
    // A default named in an entry matches a cell that leaves it at its default.
    const onDefault = [{ sdk: { go: '1.47.0' }, expect: 'broken' as const }];
    expect(withExpectations(cells, { entries: onDefault, defaults }).map((c) => c.expect)).toEqual([
      'pass',
      'broken',
      'pass',
    ]);
  });

  it("takes the most specific entry that matches (the first of those), then the cell's own, then pass", () => {
    const entries = [
      { sdk: { go: '1.41.0' }, expect: 'broken' as const, why: 'first' },
      { sdk: { go: '1.41.0', java: '2.26.0' }, expect: 'pass' as const, why: 'second' },
      { sdk: { go: '1.41.0', java: '2.26.0' }, expect: 'broken' as const, why: 'third' },
    ];
    const own = [...cells, { sdk: { python: '1.42.0' }, expect: 'broken' as const, why: 'own' }];
    expect(withExpectations(own, { entries, defaults })).toEqual([
      { sdk: { java: '2.26.0', go: '1.41.0' }, expect: 'pass', why: 'second' },
      { sdk: { java: '2.26.0' }, expect: 'pass' },
      { sdk: { go: '1.41.0' }, expect: 'broken', why: 'first' },
      { sdk: { python: '1.42.0' }, expect: 'broken', why: 'own' },
    ]);
  });

  it('judges a verdict against its expectation; an error never meets one', () => {
    expect(judgeCell({ verdict: 'pass', expect: 'pass' }).outcome).toBe('as-expected');
    expect(judgeCell({ verdict: 'broken', expect: 'broken' })).toEqual({
      outcome: 'as-expected',
      summary: 'broken, as expected',
    });
    expect(judgeCell({ verdict: 'broken', expect: 'pass' }).outcome).toBe('unexpected-break');
    expect(judgeCell({ verdict: 'pass', expect: 'broken' })).toEqual({
      outcome: 'now-passes',
      summary: 'expected broken, now passes: update the expectation',
    });
    expect(judgeCell({ verdict: 'error', expect: 'pass' }).outcome).toBe('error');
    expect(judgeCell({ verdict: 'error', expect: 'broken' }).outcome).toBe('error');
  });

  it('holds a broken cell to the places its expectation names: a new break or a healed one is news', () => {
    const expectedBreaks = ['java → go', 'python → go'];
    const judge = (found: string[]) => judgeCell({ verdict: 'broken', expect: 'broken', expectedBreaks, found });
    expect(judge(['python → go', 'java → go'])).toEqual({
      outcome: 'as-expected',
      summary: 'broken, as expected (java → go, python → go)',
    });
    expect(judge(['java → go', 'python → go', 'nodejs → go'])).toEqual({
      outcome: 'unexpected-break',
      summary: 'broken as expected, and also at nodejs → go',
    });
    expect(judge(['python → go'])).toEqual({
      outcome: 'now-passes',
      summary: 'expected broken at java → go, which now continues: update the expectation',
    });

    // A place without its headers is any break of that direction; with them, exactly those.
    expect(judge(['java → go (root)', 'python → go (root, child)']).outcome).toBe('as-expected');
    const childFixed = judgeCell({
      verdict: 'broken',
      expect: 'broken',
      expectedBreaks: ['python → go (root, child)'],
      found: ['python → go (root)'],
    });
    expect(childFixed).toEqual({
      outcome: 'unexpected-break',
      summary: 'broken at python → go (root) instead of python → go (root, child): update the expectation',
    });
  });
});

const sdks = [
  { service: 'api-gateway', language: 'go', name: 'opentelemetry', version: '1.41.0' },
  {
    service: 'auth-service',
    language: 'java',
    name: 'opentelemetry',
    version: '1.60.1',
    distro: 'opentelemetry-java-instrumentation 2.26.0',
  },
  { service: 'order-service', language: 'python', name: 'opentelemetry', version: '1.45.1' },
  { service: 'notification-service', language: 'nodejs', name: 'opentelemetry', version: '2.12.0' },
];

const javaToGo: DirectionVerdict = {
  from: { language: 'java', service: 'auth-service', version: '2.26.0' },
  to: { language: 'go', service: 'api-gateway', version: '1.41.0' },
  evidence: 'derived',
  emittedAs: 'root',
  ok: false,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03',
  outcome: 'restarted',
  message: 'Go otel 1.41.0 started a new trace on flags 03 from Java agent 2.26.0',
  judged: true,
};

describe("a cell's verdict from its run", () => {
  it('reports a direction broken outside the versions the cell names, and passes on it', () => {
    const pythonToGo: DirectionVerdict = {
      ...javaToGo,
      from: { language: 'python', service: 'order-service', version: '1.45.1' },
      judged: false,
    };
    const evidence = cellEvidence(checkResult([goodTrace()], { sdks, directions: [pythonToGo] }));
    expect(evidence.verdict).toBe('pass');
    expect(evidence.breaks).toEqual([]);
    expect(evidence.reported?.map((b) => b.where)).toEqual(['python → go']);
  });

  it('passes when every trace verified and every direction continued', () => {
    const evidence = cellEvidence(checkResult([goodTrace()], { sdks }));
    expect(evidence).toEqual({ verdict: 'pass', breaks: [], traces: { verified: 1, total: 1 } });
  });

  it('is broken by a direction, with both versions, the header and what the receiver did', () => {
    const evidence = cellEvidence(
      checkResult([goodTrace()], { sdks, directions: [{ ...javaToGo, ok: true, outcome: 'continued' }, javaToGo] }),
    );
    expect(evidence.verdict).toBe('broken');
    expect(evidence.breaks).toEqual([
      {
        kind: 'direction',
        where: 'java → go',
        from: javaToGo.from,
        to: javaToGo.to,
        traceparent: javaToGo.traceparent,
        outcome: 'started a new trace',
        message: javaToGo.message,
      },
    ]);
  });

  it('names which headers of a direction broke: its root, its child, or both', () => {
    const trials = [
      { emittedAs: 'root' as const, traceparent: javaToGo.traceparent, outcome: 'restarted' as const },
      {
        emittedAs: 'child' as const,
        traceparent: javaToGo.traceparent.replace(/-03$/, '-01'),
        outcome: 'continued' as const,
      },
    ];
    const evidence = cellEvidence(checkResult([goodTrace()], { sdks, directions: [{ ...javaToGo, trials }] }));
    expect(evidence.breaks.map((b) => b.where)).toEqual(['java → go (root)']);
  });

  it('is broken by a split trace, naming the hop and the versions its spans ran', () => {
    const evidence = cellEvidence(checkResult([splitTrace(), splitTrace()], { sdks }));
    expect(evidence.verdict).toBe('broken');
    // The same break in two requests is said once.
    expect(evidence.breaks).toHaveLength(1);
    expect(evidence.breaks[0]).toMatchObject({
      kind: 'hop',
      where: 'order-service → notification-service',
      from: { service: 'order-service', language: 'python', version: '1.45.1' },
      to: { service: 'notification-service', language: 'nodejs', version: '2.12.0' },
    });
  });

  it('says failed metrics beside a passing verdict: the matrix asks about propagation', () => {
    const result = checkResult([goodTrace()], { sdks });
    result.metrics = {
      ...result.metrics,
      ok: false,
      checks: [{ name: 'server-metric', ok: false, message: 'auth-service reported no metrics' }],
    };
    const evidence = cellEvidence(result);
    expect(evidence.verdict).toBe('pass');
    expect(evidence.metricsNote).toBe('metrics: auth-service reported no metrics');
  });
});

describe('the GitHub Actions matrix', () => {
  it('has one include entry per cell with its --sdk flags and expectation', () => {
    const cells = [
      { sdk: { java: '2.26.0', go: '1.41.0' }, expect: 'broken' as const, why: 'flags 03' },
      { sdk: { java: '2.26.0', go: '1.47.0' }, expect: 'pass' as const },
    ];
    expect(githubMatrix(cells)).toEqual({
      include: [
        {
          cell: 'go=1.41.0 java=2.26.0',
          flags: '--sdk go=1.41.0 --sdk java=2.26.0',
          expect: 'broken',
          why: 'flags 03',
        },
        { cell: 'go=1.47.0 java=2.26.0', flags: '--sdk go=1.47.0 --sdk java=2.26.0', expect: 'pass' },
      ],
    });
  });
});

const hostile = '<script>alert(1)</script>\u001b[2J';

function cellResult(overrides: Partial<CellResult>): CellResult {
  return {
    label: 'go=1.47.0 java=2.26.0',
    sdk: { java: '2.26.0', go: '1.47.0' },
    versions: { ...defaults, java: '2.26.0', go: '1.47.0' },
    expect: 'pass',
    verdict: 'pass',
    outcome: 'as-expected',
    summary: 'passes',
    breaks: [],
    built: [],
    durationMs: 21_000,
    ...overrides,
  };
}

const matrix: MatrixResult = {
  ok: false,
  planned: 4,
  interrupted: false,
  runtime: 'local',
  durationMs: 200_000,
  cells: [
    cellResult({
      label: 'go=1.41.0 java=2.26.0',
      sdk: { java: '2.26.0', go: '1.41.0' },
      versions: { ...defaults, java: '2.26.0', go: '1.41.0' },
      expect: 'broken',
      why: 'flags 03',
      verdict: 'broken',
      summary: 'broken, as expected',
      built: ['api-gateway', 'auth-service'],
      durationMs: 180_000,
      breaks: [
        {
          kind: 'direction',
          where: 'java → go',
          from: javaToGo.from,
          to: javaToGo.to,
          traceparent: javaToGo.traceparent,
          outcome: 'started a new trace',
          message: javaToGo.message,
        },
      ],
    }),
    cellResult({}),
    cellResult({
      label: 'go=1.41.0 java=2.25.0',
      sdk: { java: '2.25.0', go: '1.41.0' },
      versions: { ...defaults, java: '2.25.0', go: '1.41.0' },
      expect: 'broken',
      outcome: 'now-passes',
      summary: 'expected broken, now passes: update the expectation',
    }),
    cellResult({
      label: 'go=9.9.9',
      sdk: { go: '9.9.9' },
      versions: { ...defaults, go: '9.9.9' },
      verdict: 'error',
      outcome: 'error',
      summary: 'error: the cell could not be judged',
      error: { message: `Expected --sdk go to be a released version, got 9.9.9 ${hostile}`, exitCode: 2 },
    }),
  ],
};
const context = { width: 200, colors: colorsFor(false) };

describe('matrix reporters', () => {
  it('terminal: a row per cell with its versions, verdict, expectation, time and builds; then the breaks', () => {
    const text = matrixReporters.terminal(matrix, context);
    expect(text).toContain('polytrace matrix: 4 cells, local runtime');
    expect(text).toContain('  go      java    verdict   expected     time  built\n');
    expect(text).toContain('  1.41.0  2.26.0  ✓ broken  broken    180.00s  api-gateway, auth-service\n');
    expect(text).toContain('  1.47.0  2.26.0  ✓ pass    pass       21.00s  nothing (cached)\n');
    expect(text).toContain(
      'direction java → go: auth-service (java 2.26.0) sent traceparent 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03; api-gateway (go 1.41.0) started a new trace',
    );
    expect(text).toContain('✗ go=1.41.0 java=2.25.0: expected broken, now passes: update the expectation');
    expect(text).toContain('✗ 2 of 4 cells did not do what was expected');
    // What a service or a registry said is shown, never obeyed by the terminal.
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\x1b[2J');
  });

  it('terminal: an interrupted matrix says how far it got', () => {
    const text = matrixReporters.terminal({ ...matrix, interrupted: true, cells: matrix.cells.slice(0, 1) }, context);
    expect(text).toContain('polytrace matrix: 1 of 4 cells');
    expect(text).toContain('interrupted after 1 of 4 cells');
  });

  it('json: the whole result with its schema version, read back as it was', () => {
    expect(JSON.parse(matrixReporters.json(matrix))).toEqual({ schemaVersion: 1, ...matrix });
  });

  it('junit: one test case per cell, a failure for a surprise, an error for a cell not judged', () => {
    const xml = matrixReporters.junit(matrix);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testcase', 'property'].includes(name),
    }).parse(xml) as {
      testsuites: {
        tests: string;
        failures: string;
        errors: string;
        testsuite: {
          testcase: Array<{
            name: string;
            failure?: { message: string };
            error?: { message: string; type: string };
            'system-out'?: string;
          }>;
        };
      };
    };
    const { testsuites } = parsed;
    expect([testsuites.tests, testsuites.failures, testsuites.errors]).toEqual(['4', '1', '1']);
    const cases = testsuites.testsuite.testcase;
    expect(cases.map((c) => c.name)).toEqual(matrix.cells.map((c) => c.label));
    expect(cases[0]!.failure).toBeUndefined();
    expect(cases[0]!['system-out']).toContain('-03');
    expect(cases[2]!.failure?.message).toBe('expected broken, now passes: update the expectation');
    expect(cases[3]!.error).toMatchObject({ type: 'exit 2' });
    expect(cases[3]!.error!.message).toContain('<script>');
  });

  it('github-summary: a row per cell, each break under it, pipes kept inside their cells', () => {
    const markdown = matrixReporters['github-summary'](matrix);
    expect(markdown).toContain('❌ 2/4 cells did what they were expected to do');
    expect(markdown).toContain('| `go=1.41.0 java=2.26.0` | ✅ broken | broken | broken, as expected | 180.00s |');
    expect(markdown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J');
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('- `go=1.41.0 java=2.26.0`: direction java → go: auth-service (java 2.26.0) sent');
    const piped = { ...matrix, cells: [cellResult({ summary: 'a | b' })] };
    expect(matrixReporters['github-summary'](piped)).toContain('a \\| b');
  });

  it('html: a self-contained page with every text escaped', () => {
    const html = matrixReporters.html(matrix);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/(?:src|href)=/);
    expect(html).toContain('expected broken, now passes: update the expectation');
    expect(html).toContain('2/4 cells did what they were expected to do');
  });
});
