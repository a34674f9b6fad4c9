// api-gateway's image compiles the packages it imports in a layer of their own
// (deps/deps.go), so a lab's save on the docker runtime recompiles only the
// service's own files. That holds only while deps.go names every module package
// the service imports.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';

const dir = join(repoRoot, 'services', 'gateway-go');

/** The module packages (a dot in the first element: not the standard library) a Go file imports. */
function moduleImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const block = /^import\s*\(([\s\S]*?)^\)/m.exec(text)?.[1] ?? /^import\s+(.+)$/m.exec(text)?.[1] ?? '';
  return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).filter((path) => path.split('/')[0]!.includes('.'));
}

describe("api-gateway's compiled dependencies", () => {
  it('deps/deps.go names every module package the service imports, and nothing else', () => {
    const sources = readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
    const used = [...new Set(sources.flatMap((f) => moduleImports(join(dir, f))))].sort();
    expect(used.length).toBeGreaterThan(5);
    expect(moduleImports(join(dir, 'deps', 'deps.go')).sort()).toEqual(used);
  });
});
