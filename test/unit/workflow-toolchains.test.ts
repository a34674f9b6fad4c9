// The workflows set up the toolchains the README requires (docs/requirements.md):
// a workflow on another JDK than the services need would pass only where the
// runner happens to have the right one elsewhere.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';

const requirements = readFileSync(join(repoRoot, 'docs', 'requirements.md'), 'utf8');
const required = (pattern: RegExp) => {
  const found = pattern.exec(requirements)?.[1];
  if (!found) throw new Error(`Expected docs/requirements.md to match ${pattern}, found nothing`);
  return found;
};
const go = required(/\*\*Go (\d+\.\d+)\*\*/);
const jdk = required(/\*\*JDK (\d+) \+/);
const python = required(/\*\*Python (\d+\.\d+)\*\*/);
const node = required(/\*\*Node\.js (\d+\.\d+) or newer\*\*/);

const workflows = ['propagation.yml', 'matrix.yml'];

/** Every value a workflow gives `key` (`go-version: '1.26'` → 1.26), quotes removed. */
const values = (text: string, key: string) =>
  [...text.matchAll(new RegExp(`^\\s*${key}:\\s*['"]?([^'"\\s]+)`, 'gm'))].map((m) => m[1]!);

describe.each(workflows)('.github/workflows/%s', (name) => {
  const text = readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8');

  it(`sets up Go ${go}, JDK ${jdk}, Python ${python} and Node ${node} or newer, as the README requires`, () => {
    expect(values(text, 'go-version').every((v) => v === go)).toBe(true);
    expect(values(text, 'java-version').every((v) => v === jdk)).toBe(true);
    expect(values(text, 'python-version').every((v) => v === python)).toBe(true);
    const nodes = values(text, 'node-version');
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.filter((v) => !semver.gte(semver.coerce(v)!, semver.coerce(node)!))).toEqual([]);
  });
});

it('the matrix workflow sets up every toolchain the local runtime needs', () => {
  const text = readFileSync(join(repoRoot, '.github', 'workflows', 'matrix.yml'), 'utf8');
  for (const key of ['go-version', 'java-version', 'python-version', 'node-version']) {
    expect(values(text, key).length, key).toBeGreaterThan(0);
  }
});
