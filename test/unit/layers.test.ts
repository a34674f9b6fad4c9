// The layers of src/ run one way: each folder imports only folders below it
// (docs/architecture.md, "The folder map"). An import that runs back up a layer fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';

/** Bottom first; a folder may import its own layer and those listed before it. */
const layers = [
  ['common'],
  ['topology'],
  ['intake', 'traffic'],
  ['verify'],
  ['bench'],
  ['conformance'],
  ['scenarios', 'labs'],
  // The version matrix's cells, expectations and verdicts: read by the reporters and the core.
  ['matrix'],
  // Reporters render result types that live with the code that makes them (verify/, conformance/):
  // they never need the orchestration.
  ['report'],
  ['runtime'],
  ['core'],
  // The live page's server: it shows what core/ reports and calls the actions core/ offers.
  ['live'],
  ['commands'],
  ['.'],
];

const src = join(repoRoot, 'src');
const layerOf = (folder: string) => layers.findIndex((names) => names.includes(folder));
const topFolder = (path: string) => relative(src, path).split('/').slice(0, -1)[0] ?? '.';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const imports = sources(src).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => {
    const target = resolve(dirname(file), m[1]!);
    return {
      from: topFolder(file),
      to: topFolder(target),
      where: relative(repoRoot, file),
      file: relative(src, file),
      imported: relative(src, target).replace(/\.js$/, '.ts'),
    };
  }),
);

/** Every cycle of imports between files (type-only imports too), each as the files around it. */
function importCycles(): string[][] {
  const edges = new Map<string, string[]>();
  for (const i of imports) edges.set(i.file, [...(edges.get(i.file) ?? []), i.imported]);
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]): void => {
    state.set(file, 'open');
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next, [...path, next]);
    }
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file, [file]);
  return cycles;
}

describe('layers', () => {
  it('knows every folder of src/', () => {
    expect([...new Set(imports.flatMap((i) => [i.from, i.to]))].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import that runs up a layer', () => {
    const upward = imports.filter((i) => layerOf(i.to) > layerOf(i.from)).map((i) => `${i.where} → ${i.to}/`);
    expect(upward).toEqual([]);
  });

  it('has no circle of imports between files', () => {
    expect(importCycles().map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps core/ free of process and engine libraries: only runtime/ starts processes or containers', () => {
    const packages = ['execa', 'testcontainers', 'dockerode', 'node:child_process', 'child_process'];
    const offending = sources(join(src, 'core')).filter((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)].some((m) => packages.includes(m[1]!)),
    );
    expect(offending.map((file) => relative(repoRoot, file))).toEqual([]);
  });

  it('keeps conformance/ pure: the W3C cases and their judging import only topology/ and common/', () => {
    expect(
      imports.filter((i) => i.from === 'conformance' && !['conformance', 'topology', 'common'].includes(i.to)),
    ).toEqual([]);
  });

  it('keeps bench/ pure: the statistics of `bench` import no runtime and no orchestration', () => {
    expect(
      imports.filter((i) => i.from === 'bench' && !['bench', 'topology', 'intake', 'traffic', 'common'].includes(i.to)),
    ).toEqual([]);
  });

  it('keeps common/ free of the project: it imports nothing of src/ outside itself', () => {
    expect(imports.filter((i) => i.from === 'common' && i.to !== 'common')).toEqual([]);
  });
});
