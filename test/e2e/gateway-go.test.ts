// The gateway's own Go tests (services/gateway-go/main_test.go: baggage on every
// span, no redirects followed, the 401 path) run with the rest of npm test.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './run-cli.js';

describe('services/gateway-go', () => {
  it('go test ./... passes', async () => {
    const result = await execa('go', ['test', './...'], {
      cwd: join(repo, 'services', 'gateway-go'),
      env: { GOTOOLCHAIN: 'local' },
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/^ok\s/m);
  }, 300_000);
});
