// `polytrace up`: start the chain, prove it with one verified request, then
// keep it running and hand every new trace to the caller until Ctrl-C. While
// it runs, the caller may fire more requests and switch scenarios: only the
// services the new scenario configures differently restart.
import { AppendedLines } from '../intake/appended-lines.js';
import { describeFaults } from '../intake/intake-faults.js';
import { parseOtlpMetricLines } from '../intake/otlp-metrics.js';
import { findScenario, scenarios } from '../scenarios/catalog.js';
import { scenarioEnvironment, type Scenario } from '../scenarios/scenario.js';
import { flows } from '../topology/chain.js';
import { otelSettings, servicesChanged, type ClockSkewSetting } from '../topology/environment.js';
import type { RunOptions, StartedChain } from '../runtime/runtime.js';
import { fireRequest } from '../traffic/fire-requests.js';
import type { TraceResult } from '../verify/result.js';
import type { UnsampledRequests } from '../verify/unsampled.js';
import { sleep } from '../common/abort.js';
import { UsageError } from '../common/errors.js';
import { withChain } from './chain-session.js';
import { TraceFollower } from './trace-follower.js';
import type { SwitchProgress, TraceOrigin, UpControls } from './up-controls.js';

export interface UpOptions {
  /** What the user asked of the run (with `environment.conformance` for the W3C test-service endpoints). */
  runOptions: RunOptions;
  scenario: Scenario;
  /** The user's --clock-skew: kept through every scenario switch. */
  clockSkew?: ClockSkewSetting;
}

export interface UpListener {
  ready(chain: StartedChain, info: { runtime: string; runDir: string; spansFile: string }, controls: UpControls): void;
  /** Every trace, once verified: polytrace's own requests and anyone else's. */
  trace(trace: TraceResult, origin: TraceOrigin): void;
  /** Requests the gateway answered without recording a span: their traceparent said not sampled. */
  unsampled(requests: UnsampledRequests): void;
  switching(progress: SwitchProgress): void;
}

// A trace is shown the first read after its last span: reads of a file that did not grow cost next to nothing.
const pollMs = 50;

export async function up(options: UpOptions, signal: AbortSignal, listener: UpListener): Promise<void> {
  let scenario = options.scenario;
  let environment = options.runOptions.environment;
  let settings = otelSettings(environment);
  try {
    await withChain(options.runOptions, signal, async (session) => {
      const follower = new TraceFollower(
        { runId: session.runId, otelSettings: () => settings },
        {
          callerTrace: (trace) => listener.trace(trace, { sentBy: 'caller', scenario: scenario.name }),
          unsampled: (requests) => listener.unsampled(requests),
        },
      );
      let fired = 0;
      /** A switch under way: requests wait for it, a second switch is refused. */
      let switching: Promise<unknown> | undefined;

      /** Fires one request once any switch is over: of the running scenario's flow, or the unauthorized one. */
      const send = async ({ unauthorized = false, first = false } = {}): Promise<TraceResult> => {
        await switching?.catch(() => {});
        const sentIn = scenario.name;
        const flow = unauthorized ? flows.unauthorized : scenario.flow;
        const request = await fireRequest(
          session.tracer,
          { gatewayUrl: session.chain.gatewayUrl, flow, index: fired++, runId: session.runId },
          signal,
        );
        // polytrace's own root span goes out now: the verifier waits for it.
        await session.tracer.flush();
        const trace = await follower.expect(request);
        listener.trace(trace, { sentBy: 'polytrace', scenario: sentIn, ...(first ? { first } : {}) });
        return trace;
      };

      const switchTo = async (name: string, asked: number): Promise<void> => {
        const next = findScenario(name);
        if (!next) {
          throw new UsageError(`Expected one of ${scenarios.map((s) => s.name).join(', ')}, got "${name}"`);
        }
        const nextEnvironment = scenarioEnvironment(next, {
          conformance: environment.conformance,
          ...(options.clockSkew ? { clockSkew: options.clockSkew } : {}),
        });
        // A broker is started with the run (and, in docker, its image built before it): a switch
        // cannot add one.
        const started = options.runOptions.environment.brokers ?? [];
        const missing = (nextEnvironment.brokers ?? []).filter((b) => !started.includes(b));
        if (missing.length > 0) {
          throw new UsageError(
            `${next.name} needs ${missing.join(', ')}, which this run did not start: stop and run polytrace up --scenario ${next.name}`,
          );
        }
        const changed = servicesChanged(environment, nextEnvironment);
        const progress = (phase: SwitchProgress['phase'], message: string) =>
          listener.switching({ phase, scenario: next.name, services: changed, elapsedMs: Date.now() - asked, message });
        progress(
          'restarting',
          changed.length
            ? `restarting ${changed.join(' and ')} for ${next.name}…`
            : `${next.name} changes only the request: nothing to restart`,
        );
        try {
          await Promise.all(changed.map((service) => session.chain.restart(service, nextEnvironment)));
        } catch (error) {
          progress('failed', `${next.name}: ${(error as Error).message}`);
          throw error;
        }
        scenario = next;
        environment = nextEnvironment;
        settings = otelSettings(environment);
        progress('ready', `${next.name} is running${changed.length ? `: ${changed.join(' and ')} restarted` : ''}`);
      };

      const controls: UpControls = {
        send: () => send(),
        sendUnauthorized: () => send({ unauthorized: true }),
        switchScenario: (name) => {
          // Refused here, not in the promise: the page hears it before anything restarts.
          if (switching) throw new UsageError('a scenario switch is already under way');
          const switched = switchTo(name, Date.now());
          switching = switched;
          return switched.finally(() => (switching = undefined)).then(() => send());
        },
      };

      listener.ready(
        session.chain,
        { runtime: session.runtime, runDir: session.runDir, spansFile: session.spansPath },
        controls,
      );
      const metrics = new AppendedLines(session.metricsPath);
      let faultsSaid = 0;
      const following = (async () => {
        while (!signal.aborted) {
          // `up` keeps its own: the session's file reader forgets what it read.
          follower.addSpans(await session.spans.poll());
          session.spans.forget();
          // A line that could not be read is skipped, never fatal; each new one is said once.
          const { faults } = session.spans;
          if (faults.unreadableLines + faults.invalidSpans > faultsSaid) {
            faultsSaid = faults.unreadableLines + faults.invalidSpans;
            options.runOptions.progress({
              step: 'collect',
              message: `⚠ the spans file has had ${describeFaults(faults)} so far, skipped (${faults.examples.at(-1) ?? ''})`,
            });
          }
          follower.addMetrics(parseOtlpMetricLines(await metrics.read()));
          follower.tick();
          await sleep(pollMs, signal);
        }
      })();
      await Promise.all([send({ first: true }), following]);
    });
  } catch (error) {
    // Ctrl-C is how `up` is meant to end: not an error.
    if (signal.aborted) return;
    throw error;
  }
}
