// The local build cache is keyed by the content of a component's inputs, and
// each key keeps its own outputs: reverting a source brings back the build of
// that source, never a newer one. Real builds (node writing a file), no mocks.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector, services } from '../../src/topology/chain.js';
import { buildComponent, buildDirFor, sourceDirFor, type BuildTarget } from '../../src/runtime/local/build.js';

const target = (dir: string, buildFromCopy: boolean): BuildTarget => ({
  name: 'demo',
  dir,
  recipe: {
    toolchains: ['node'],
    inputs: ['*.txt'],
    ...(buildFromCopy ? { buildFromCopy } : {}),
    // The build's output lives beside the sources, as Maven's target/ and npm's node_modules/ do.
    build: [{ cmd: process.execPath, args: ['-e', "require('fs').copyFileSync('input.txt', 'output.out')"] }],
    outputs: ['output.out'],
    start: { cmd: process.execPath, args: [] },
  },
});

describe('the local build cache', () => {
  it('every component keeps its outputs in its own cache folder, never beside the shared sources', () => {
    for (const { name, local } of [collector, ...services]) {
      const shared = local.outputs.filter((o) => !o.startsWith('{build}') && !local.buildFromCopy);
      expect(shared, name).toEqual([]);
    }
  });

  it.each([true])(
    'reverting a source reuses the build of that source, not a newer one (buildFromCopy: %s)',
    async (copy) => {
      const sources = mkdtempSync(join(tmpdir(), 'polytrace-src-'));
      const cache = mkdtempSync(join(tmpdir(), 'polytrace-cache-'));
      const signal = new AbortController().signal;
      const buildOf = async (content: string) => {
        writeFileSync(join(sources, 'input.txt'), content);
        const t = target(sources, copy);
        const buildDir = await buildDirFor(t, cache);
        const built = await buildComponent({ target: t, buildDir, signal });
        return { built, output: readFileSync(join(sourceDirFor(t, buildDir), 'output.out'), 'utf8') };
      };
      expect(await buildOf('v1')).toEqual({ built: true, output: 'v1' });
      expect(await buildOf('v2')).toEqual({ built: true, output: 'v2' });
      expect(await buildOf('v1')).toEqual({ built: false, output: 'v1' });
    },
  );

  it('two runs building the same folder at once: one builds, the other waits and finds it built', async () => {
    const sources = mkdtempSync(join(tmpdir(), 'polytrace-src-'));
    const cache = mkdtempSync(join(tmpdir(), 'polytrace-cache-'));
    writeFileSync(join(sources, 'input.txt'), 'v1');
    // A step slow enough for the two to overlap, reading its copied input after a pause: without
    // the lock, the second run's fresh copy of the inputs deletes the first's mid-build.
    const slow: BuildTarget = {
      ...target(sources, true),
      recipe: {
        ...target(sources, true).recipe,
        build: [
          {
            cmd: process.execPath,
            args: ['-e', "setTimeout(() => require('fs').copyFileSync('input.txt', 'output.out'), 1500)"],
          },
        ],
      },
    };
    const buildDir = await buildDirFor(slow, cache);
    const signal = new AbortController().signal;
    let waited = 0;
    const results = await Promise.all([
      buildComponent({ target: slow, buildDir, signal, waiting: () => waited++ }),
      buildComponent({ target: slow, buildDir, signal, waiting: () => waited++ }),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(waited).toBe(1);
    expect(readFileSync(join(sourceDirFor(slow, buildDir), 'output.out'), 'utf8')).toBe('v1');
  });
});
