// The docker runtime sends (and hashes) a build context as Docker's own client would.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFiles } from '../../src/common/hash-files.js';
import { contextFiles } from '../../src/runtime/docker/build-context.js';

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'polytrace-context-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('docker build context', () => {
  it('keeps what .dockerignore lets through, and always the Dockerfile', async () => {
    const dir = context({
      '.dockerignore': '*\n!go.mod\n!*.go\n*_test.go\n',
      Dockerfile: 'FROM scratch',
      'go.mod': 'module x',
      'main.go': 'package main',
      'main_test.go': 'package main',
      'README.md': '# x',
    });
    expect(await contextFiles(dir)).toEqual(['Dockerfile', 'go.mod', 'main.go']);
  });

  it('does not send ignored folders such as node_modules', async () => {
    const dir = context({
      '.dockerignore': 'node_modules\n',
      Dockerfile: 'FROM scratch',
      'app.js': '',
      'node_modules/express/index.js': '',
      'lib/util.js': '',
    });
    expect(await contextFiles(dir)).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'lib/util.js']);
  });

  it('hashes contents and build settings, so a change of either means a rebuild', async () => {
    const dir = context({ Dockerfile: 'FROM scratch', 'app.js': 'a' });
    const files = await contextFiles(dir);
    const first = await hashFiles(dir, files, 'args-1');
    expect(await hashFiles(dir, files, 'args-1')).toBe(first);
    expect(await hashFiles(dir, files, 'args-2')).not.toBe(first);
    writeFileSync(join(dir, 'app.js'), 'b');
    expect(await hashFiles(dir, files, 'args-1')).not.toBe(first);
  });
});
