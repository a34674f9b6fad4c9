// Stopping several components of a run side by side, each as it is now (a
// restart may have replaced it), with a progress line and a timeline phase
// for each, and the order in which both runtimes stop the chain.
import { timed } from '../common/timeline.js';
import { broker, collector, services } from '../topology/chain.js';
import type { RunPlan } from './runtime.js';

type Current = (name: string) => { stop(): Promise<void> } | undefined;

async function stopComponents(plan: RunPlan, names: readonly string[], current: Current): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      const component = current(name);
      if (!component) return;
      plan.chain.progress({ step: 'stop', component: name, message: `stopping ${name}` });
      await timed(plan.chain.timeline, `stop ${name}`, () => component.stop());
    }),
  );
}

/**
 * Registers the chain's stop in the order both runtimes keep, whatever order things started in:
 * the services together (each SDK flushes on SIGTERM), then the broker's parts one after another
 * (none when the run has no broker), then the Collector once its senders are gone, so it writes
 * what they flushed before it stops. Teardown runs the last registered first.
 */
export function addChainTeardown(plan: RunPlan, current: Current, brokerParts: readonly string[]): void {
  plan.teardown.add(collector.name, () => stopComponents(plan, [collector.name], current));
  if (brokerParts.length > 0) {
    plan.teardown.add(broker.name, async () => {
      for (const part of brokerParts) await stopComponents(plan, [part], current);
    });
  }
  plan.teardown.add('services', () =>
    stopComponents(
      plan,
      services.map((s) => s.name),
      current,
    ),
  );
}
