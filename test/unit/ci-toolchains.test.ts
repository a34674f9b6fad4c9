// The toolchain versions a CI recipe asks for are the ones polytrace builds the
// services with. Those live in the code and the manifests (go.mod's go line, the
// JDK auth-service needs, the official Python image, package.json's engines);
// the README and docs/requirements.md say them to people; every workflow and the
// YAML snippets of docs/ci.md ask the setup actions for them. A snippet that sets
// up JDK 17 passes only by luck (polytrace then looks for a JDK 25 elsewhere).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { minimumJava } from '../../src/runtime/jdk.js';
import { officialImages } from '../../src/topology/base-images.js';
import { repo } from '../e2e/run-cli.js';

const read = (path: string) => readFileSync(join(repo, path), 'utf8');

/** What polytrace needs, from where each need is decided. */
const needs = {
  go: /^go (\d+\.\d+)/m.exec(read('services/gateway-go/go.mod'))![1]!,
  java: minimumJava,
  python: /^python:(\d+\.\d+)/.exec(officialImages.python)![1]!,
  node: (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node,
};

/** Each `<tool>-version:` a workflow or snippet gives a setup action, block or flow style. */
function setupVersions(yaml: string): Array<{ tool: string; version: string }> {
  return [...yaml.matchAll(/\b(go|java|python|node)-version:\s*['"]?([\d.x]+)['"]?/g)].map(([, tool, version]) => ({
    tool: tool!,
    version: version!,
  }));
}

const workflows = readdirSync(join(repo, '.github', 'workflows')).map((f) => `.github/workflows/${f}`);
const snippets = [...read('docs/ci.md').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);

const recipes: Array<[string, string]> = [
  ...workflows.map((path): [string, string] => [path, read(path)]),
  ...snippets.map((text, i): [string, string] => [`docs/ci.md, YAML block ${i + 1}`, text]),
];

describe('the toolchains CI recipes ask for', () => {
  it('finds workflows and snippets that set up all four toolchains', () => {
    expect(workflows.length).toBeGreaterThan(0);
    expect(snippets.length).toBeGreaterThan(0);
    for (const [name, text] of recipes) {
      expect(new Set(setupVersions(text).map((v) => v.tool)), name).toEqual(new Set(['go', 'java', 'python', 'node']));
    }
  });

  it.each(recipes)('%s asks for the versions polytrace builds with', (_name, text) => {
    for (const { tool, version } of setupVersions(text)) {
      if (tool === 'go') expect(version, 'go-version').toBe(needs.go);
      if (tool === 'java') expect(Number(version), 'java-version').toBeGreaterThanOrEqual(needs.java);
      if (tool === 'python') expect(version, 'python-version').toBe(needs.python);
      if (tool === 'node') expect(semver.satisfies(semver.coerce(version)!, needs.node), 'node-version').toBe(true);
    }
  });

  it('the README and docs/requirements.md say the same versions', () => {
    const nodeFloor = semver.minVersion(needs.node)!;
    for (const path of ['README.md', 'docs/requirements.md']) {
      const text = read(path).replace(/\s+/g, ' ');
      expect(text, path).toContain(`Go ${needs.go}`);
      expect(text, path).toContain(`JDK ${needs.java}`);
      expect(text, path).toContain(`Python ${needs.python}`);
      expect(text, path).toContain(`Node${path === 'README.md' ? '' : '.js'} ${nodeFloor.major}.${nodeFloor.minor}`);
    }
  });
});
