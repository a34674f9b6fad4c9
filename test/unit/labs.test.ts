// The lab catalogue against today's source: every mistake applies to the
// service as it is in the tree, every reference solution undoes the break,
// every refused shortcut applies to the mistaken copy; and the workspace, the
// progress file, the lock and the toolchain's error line.
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exercises, findExercise } from '../../src/labs/catalog.js';
import { buildErrorLine } from '../../src/labs/build-error.js';
import { nextHint } from '../../src/labs/hints.js';
import { assertWorkspaceFree, lockWorkspace } from '../../src/labs/lock.js';
import { patched } from '../../src/labs/patches.js';
import { progressFile, readProgress, updateProgress } from '../../src/labs/progress.js';
import { labVerdict } from '../../src/labs/verdict.js';
import { exerciseFiles, prepareExercise, readFiles, rewriteExercise } from '../../src/labs/workspace.js';
import { repoRoot } from '../../src/common/paths.js';
import { UsageError } from '../../src/common/errors.js';
import { flows, serviceNamed, services } from '../../src/topology/chain.js';
import { hopName } from '../../src/verify/diagnose.js';
import { verifyTrace } from '../../src/verify/verify-trace.js';
import { evidence, orderTrace, splitAt } from './fixtures/synthetic-trace.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'polytrace-lab-unit-'));
const tree = (id: string) => readFiles(join(repoRoot, serviceNamed(findExercise(id)!.service).dir));

describe('the lab catalogue', () => {
  it('has at least six exercises, in all four languages and at the broker, of the three kinds', () => {
    expect(exercises.length).toBeGreaterThanOrEqual(6);
    const languages = new Set(exercises.map((e) => serviceNamed(e.service).language));
    expect([...languages].sort()).toEqual(['go', 'java', 'nodejs', 'python']);
    expect(exercises.some((e) => e.requires.hops.some((h) => h.includes('rabbitmq')))).toBe(true);
    expect(new Set(exercises.map((e) => e.kind))).toEqual(
      new Set(['missing-propagation', 'context-lost', 'manual-propagation']),
    );
    expect(new Set(exercises.map((e) => e.id)).size).toBe(exercises.length);
  });

  it.each(exercises.map((e) => [e.id, e] as const))('%s: hints, story, file, hops of its flow', async (_id, e) => {
    expect(e.hints).toHaveLength(3);
    expect(e.story.split(/(?<=\.) /).length).toBe(2);
    const files = await tree(e.id);
    const mistaken = await exerciseFiles(e, 'mistake');
    expect(mistaken.has(e.file)).toBe(true);
    expect(mistaken.get(e.file)).not.toBe(files.get(e.file));
    const hops = flows[e.flow].edges.map(hopName);
    for (const hop of e.requires.hops) expect(hops).toContain(hop);
    expect([...hops, `inside ${e.service}`]).toContain(e.breaksAt);
    for (const span of e.requires.spans) {
      expect(services.find((s) => s.name === span.service)?.spans.map((s) => s.name)).toContain(span.name);
    }
  });

  it.each(exercises.map((e) => [e.id, e] as const))(
    '%s: the mistake applies to today’s source, the solution to the mistake, the shortcut too',
    async (_id, e) => {
      const files = await tree(e.id);
      const mistaken = await exerciseFiles(e, 'mistake');
      const solved = await exerciseFiles(e, 'solution');
      // The solution changes only what the mistake changed (nothing else of the service).
      const changed = (a: Map<string, string>) => [...a].filter(([p, t]) => files.get(p) !== t).map(([p]) => p);
      expect(changed(solved).every((p) => changed(mistaken).includes(p))).toBe(true);
      // And it undoes the break: it is not the mistake any more.
      expect(solved.get(e.file)).not.toBe(mistaken.get(e.file));
      const shortcut = await patched(e, 'shortcut', mistaken);
      expect(shortcut.size).toBeGreaterThan(0);
    },
  );

  it('solutions that put the tree back are exactly the tree', async () => {
    for (const id of ['go-propagator', 'node-amqp-consumer']) {
      const solved = await exerciseFiles(findExercise(id)!, 'solution');
      expect(solved).toEqual(await tree(id));
    }
  });
});

describe('the workspace', () => {
  const exercise = findExercise('python-thread')!;

  it('copies the service with the mistake, and keeps an attendee’s copy on a second start', async () => {
    const dir = workspace();
    const first = await prepareExercise(dir, exercise);
    expect(first.made).toBe(true);
    expect(await readFiles(first.dir)).toEqual(await exerciseFiles(exercise, 'mistake'));
    await writeFile(join(first.dir, 'app.py'), '# mine\n');
    const again = await prepareExercise(dir, exercise);
    expect(again.made).toBe(false);
    expect(await readFile(join(first.dir, 'app.py'), 'utf8')).toBe('# mine\n');
  });

  it('solve writes the fix; reset puts the mistake back; an edit is moved to a backup, never lost', async () => {
    const dir = workspace();
    const { dir: copy } = await prepareExercise(dir, exercise);
    const solved = await rewriteExercise({ workspace: dir, exercise, state: 'solution' });
    expect(solved.backup).toBeUndefined();
    expect(await readFiles(copy)).toEqual(await exerciseFiles(exercise, 'solution'));
    await writeFile(join(copy, 'app.py'), '# my attempt\n');
    const reset = await rewriteExercise({ workspace: dir, exercise, state: 'mistake' });
    expect(reset.backup).toBeDefined();
    expect(await readFile(join(reset.backup!, 'app.py'), 'utf8')).toBe('# my attempt\n');
    expect(await readFiles(copy)).toEqual(await exerciseFiles(exercise, 'mistake'));
  });
});

describe('the progress file', () => {
  it('keeps each exercise’s state and hints, and reads only its known shape', async () => {
    const dir = workspace();
    expect(await readProgress(dir)).toEqual({});
    await updateProgress(dir, 'go-propagator', () => ({
      state: 'broken',
      brokenAt: 'polytrace → api-gateway',
      hints: 0,
    }));
    expect(await nextHint(dir, findExercise('go-propagator')!)).toMatchObject({ number: 1 });
    expect(await readProgress(dir)).toEqual({
      'go-propagator': { state: 'broken', brokenAt: 'polytrace → api-gateway', hints: 1 },
    });
    await writeFile(
      progressFile(dir),
      JSON.stringify({ a: { state: 'fixed', hints: 99 }, b: 'x', c: { state: 'odd' } }),
    );
    expect(await readProgress(dir)).toEqual({ a: { state: 'fixed', hints: 3 } });
  });

  it('gives each hint once, then none', async () => {
    const dir = workspace();
    const e = findExercise('java-executor')!;
    const given = [];
    for (let i = 0; i < 4; i++) given.push(await nextHint(dir, e));
    expect(given.map((h) => h?.text)).toEqual([...e.hints, undefined]);
  });

  it('refuses a file that is not the lab’s JSON with a usage error', async () => {
    const dir = workspace();
    await writeFile(progressFile(dir), '{not json');
    await expect(readProgress(dir)).rejects.toBeInstanceOf(UsageError);
    await writeFile(progressFile(dir), '[]');
    await expect(readProgress(dir)).rejects.toThrow(/expected an object/);
  });
});

describe('the workspace lock', () => {
  it('refuses a second start while the first runs, and takes over a stale lock', async () => {
    const dir = workspace();
    const release = await lockWorkspace(dir);
    // This process holds it; a lock naming a live pid of another process refuses.
    await release();
    await writeFile(join(dir, '.polytrace-lab.lock'), `${process.ppid}\n`);
    await expect(lockWorkspace(dir)).rejects.toThrow(/a lab already runs in .* \(pid \d+\)/);
    // What a start checks before it shows a page or joins a room: the same one line.
    await expect(assertWorkspaceFree(dir)).rejects.toThrow(/a lab already runs in .* \(pid \d+\)/);
    // A pid no process has: stale.
    await writeFile(join(dir, '.polytrace-lab.lock'), '2147483646\n');
    await expect(assertWorkspaceFree(dir)).resolves.toBeUndefined();
    const taken = await lockWorkspace(dir);
    expect(await readFile(join(dir, '.polytrace-lab.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await taken();
  });
});

describe('the toolchain’s error line', () => {
  it('finds the file and line in each language’s log', () => {
    expect(buildErrorLine('go', '# api-gateway\n./otel.go:31:2: undefined: autoprop\n')).toBe(
      './otel.go:31:2: undefined: autoprop',
    );
    expect(
      buildErrorLine(
        'java',
        '[INFO] x\n[ERROR] /w/src/main/java/com/example/auth/VerifyController.java:[52,9] cannot find symbol\n[ERROR] more',
      ),
    ).toBe('/w/src/main/java/com/example/auth/VerifyController.java:[52,9] cannot find symbol');
    expect(
      buildErrorLine(
        'python',
        'Traceback (most recent call last):\n  File "/v/sitecustomize.py", line 3, in <module>\n  File "/w/app.py", line 12\n    def f(\n         ^\nSyntaxError: \'(\' was never closed\n',
      ),
    ).toBe("/w/app.py:12: SyntaxError: '(' was never closed");
    expect(
      buildErrorLine('nodejs', '/w/app.js:40\n  foo(\n  ^\n\nSyntaxError: Unexpected end of input\n    at x'),
    ).toBe('/w/app.js:40: SyntaxError: Unexpected end of input');
    expect(buildErrorLine('go', 'nothing here')).toBeUndefined();
    // As an error's tail of a log shows it: indented.
    expect(
      buildErrorLine('go', 'last lines of b.log:\n  # api-gateway\n  ./otel.go:91:14: syntax error: unexpected {'),
    ).toBe('./otel.go:91:14: syntax error: unexpected {');
  });
});

describe('the lab verdict', () => {
  const e = findExercise('python-urllib')!;

  it('is fixed only when the trace is whole and the required spans and hops are there', () => {
    const whole = verifyTrace(evidence(orderTrace()));
    expect(labVerdict(e, whole)).toEqual({ fixed: true, problems: [] });
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    const broken = labVerdict(e, verifyTrace(evidence(kept, { strays })));
    expect(broken.fixed).toBe(false);
    expect(broken.brokenAt).toBe('order-service → notification-service');
  });

  it('names the service a trace split inside of, when no hop broke', () => {
    const spans = orderTrace();
    const email = spans.find((s) => s.name === 'email.send')!;
    const stray = { ...email, traceId: 'f'.repeat(32), parentSpanId: '' };
    const trace = verifyTrace(
      evidence(
        spans.filter((s) => s !== email),
        { strays: [stray] },
      ),
    );
    expect(labVerdict(findExercise('node-email-queue')!, trace)).toMatchObject({
      fixed: false,
      brokenAt: 'inside notification-service',
    });
  });

  it('names the service a required span is missing from, when its split-off span could not be tied to the request', () => {
    const trace = verifyTrace(evidence(orderTrace().filter((s) => s.name !== 'email.send')));
    expect(labVerdict(findExercise('node-email-queue')!, trace)).toMatchObject({
      fixed: false,
      brokenAt: 'inside notification-service',
    });
  });

  it('refuses a trace that lacks a span the exercise requires, even when its flow checks pass', () => {
    const whole = verifyTrace(evidence(orderTrace()));
    const without = { ...whole, spans: whole.spans.filter((s) => s.name !== 'notification.send') };
    expect(labVerdict(e, without).problems).toContain(
      'the exercise requires order-service\'s span "notification.send" in the request\'s trace: none there',
    );
  });
});
