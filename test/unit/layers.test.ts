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
  ['scenarios'],
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
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
    from: topFolder(file),
    to: topFolder(resolve(dirname(file), m[1]!)),
    where: relative(repoRoot, file),
  })),
);

describe('layers', () => {
  it('knows every folder of src/', () => {
    expect([...new Set(imports.flatMap((i) => [i.from, i.to]))].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import that runs up a layer', () => {
    const upward = imports.filter((i) => layerOf(i.to) > layerOf(i.from)).map((i) => `${i.where} → ${i.to}/`);
    expect(upward).toEqual([]);
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
