import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// checkout-unchanged.test.ts compares `git status` with the start of the run: it goes last.
class CheckoutCheckLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (file: TestSpecification) => file.moduleId.endsWith('/checkout-unchanged.test.ts');
    return [...sorted.filter((f) => !last(f)), ...sorted.filter(last)];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start the real chain: one at a time, generous time.
    fileParallelism: false,
    testTimeout: 20_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
    globalSetup: ['./test/checkout-status.ts'],
    sequence: { sequencer: CheckoutCheckLast },
  },
});
