// The GitHub Actions workflow people copy must be one GitHub accepts: actionlint
// checks its syntax, expressions, and each action's inputs against that
// action's own metadata. Built from the Go module proxy with the machine's Go.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { which } from '../../src/runtime/which.js';
import { repo } from './run-cli.js';

const actionlint = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';
const workflows = ['propagation.yml', 'matrix.yml'].map((name) => join('.github', 'workflows', name));
const go = await which('go');
const ci = process.env.CI === 'true';

if (!go && !ci) {
  // Skipping is allowed only on a developer's machine without Go: say so loudly.
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!! SKIPPED: actionlint on ${workflows.join(', ')}. No \`go\` on PATH to build it with.\n${line}\n`,
  );
}

describe('the workflows', () => {
  it.skipIf(!go && !ci).each(workflows)(
    `%s passes ${actionlint} with no findings`,
    async (workflow) => {
      expect(go, 'Expected `go` on PATH to build actionlint with, found none').toBeDefined();
      const result = await execa('go', ['run', actionlint, '-no-color', workflow], {
        cwd: repo,
        env: { GOTOOLCHAIN: 'local' },
        reject: false,
        all: true,
        stdin: 'ignore',
      });
      expect(result.all).not.toMatch(/\[[a-z-]+\]\s*$/m); // a finding ends with its rule, e.g. [action]
      expect(result.exitCode, result.all).toBe(0);
    },
    5 * 60_000,
  );
});
