// Every sample of polytrace's output in the README and docs/ is what the code
// renders now from the kept evidence of a real run (test/docs-samples.ts says
// how). With POLYTRACE_UPDATE_DOCS=1 (`npm run docs:samples` sets it) the
// samples are written instead of compared.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';
import { probeCases } from '../../src/conformance/cases.js';
import {
  documents,
  fenced,
  keptConformance,
  keptDirections,
  replayCheck,
  samples,
  samplesIn,
  withSamples,
} from '../docs-samples.js';

const update = process.env.POLYTRACE_UPDATE_DOCS === '1';
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('the samples of output in the docs', () => {
  it.each(['check', 'async'])('come from a run that verified, as the docs say it did: %s', (run) => {
    const result = replayCheck(run);
    expect(result.traces.map((t) => t.checks.filter((c) => !c.ok))).toEqual([[]]);
    expect(result.metrics.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("come from a conformance probe of today's cases, in every language", () => {
    const kept = keptConformance();
    for (const service of kept.services) {
      expect(
        service.cases.map((c) => [c.id, c.section]),
        `${service.service}: the probe's cases changed since docs/samples/conformance/ was made (npm run docs:samples)`,
      ).toEqual(probeCases.map((c) => [c.id, c.section]));
    }
  });

  it('come from a cell whose java → go direction broke, derived, and nothing into another language', () => {
    const broken = keptDirections().filter((d) => !d.ok);
    expect(broken.map((d) => `${d.from.language}>${d.to.language} ${d.evidence}`)).toEqual([
      'java>go derived',
      'python>go derived',
    ]);
    expect(broken[0]!.message).toMatch(/^java 2\.26\.0 \(auth-service\) → go 1\.41\.0 \(api-gateway\): .* ends -03 /);
  });

  it.each(documents)('%s: each sample is what the code renders now', (path) => {
    const markdown = read(path);
    if (update) {
      const updated = withSamples(markdown);
      if (updated !== markdown) writeFileSync(join(repoRoot, path), updated);
    }
    for (const { name, shown } of samplesIn(read(path))) {
      expect(Object.keys(samples), `${path}: a sample named "${name}"`).toContain(name);
      expect(shown, `${path}: sample "${name}" (npm run docs:samples renders it anew)`).toBe(fenced(samples[name]!()));
    }
  });

  it('cover every sample named, and every block of output is one', () => {
    const shown = documents.flatMap((path) => samplesIn(read(path)).map((s) => s.name));
    expect(new Set(shown)).toEqual(new Set(Object.keys(samples)));
    // A block of `check` output outside the markers is a sample nobody checks.
    for (const path of documents) {
      const outside = read(path).replace(/<!-- sample:[\w-]+ -->[\s\S]*?<!-- \/sample -->/g, '');
      const blocks = outside.match(/^```[\s\S]*?^```/gm) ?? [];
      expect(
        blocks.filter((b) => /checks passed|traces verified|^\s*✓ (trace|verified)/m.test(b)),
        `${path}: output of polytrace outside <!-- sample:NAME --> markers`,
      ).toEqual([]);
    }
  });
});
