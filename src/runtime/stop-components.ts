// Stopping several components of a run side by side, each as it is now (a
// restart may have replaced it), with a progress line and a timeline phase
// for each: what both runtimes do in teardown.
import { timed } from '../common/timeline.js';
import type { RunPlan } from './runtime.js';

export async function stopComponents(
  plan: RunPlan,
  names: readonly string[],
  current: (name: string) => { stop(): Promise<void> } | undefined,
): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      const component = current(name);
      if (!component) return;
      plan.chain.progress({ step: 'stop', component: name, message: `stopping ${name}` });
      await timed(plan.chain.timeline, `stop ${name}`, () => component.stop());
    }),
  );
}
