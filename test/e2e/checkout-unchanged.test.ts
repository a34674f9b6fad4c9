// After every other test file (vitest.config.ts runs this one last): the runs
// left the checkout as they found it. No lock file rewritten (package-lock.json
// by `npm install`, go.sum by `go`), no build output beside the sources
// (Maven's target/, npm's node_modules/, a venv, __pycache__, a database).
import { describe, expect, inject, it } from 'vitest';
import { checkoutStatus } from '../checkout-status.js';

const ci = process.env.CI === 'true';
const atStart = inject('checkoutAtStart');

describe('the checkout after the test runs', () => {
  // Outside a git checkout (an exported source tree) there is nothing to compare; CI always has one.
  it.skipIf(atStart === null && !ci)('has the git status it had before them', () => {
    expect(atStart, 'Expected a git checkout: `git status` gave no answer').not.toBeNull();
    const now = checkoutStatus() ?? [];
    // New lines only: a person's own edits from before the run are theirs.
    expect(now.filter((line) => !atStart!.includes(line))).toEqual([]);
  });
});
