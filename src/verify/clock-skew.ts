// How far each service's clock is from polytrace's, from the spans alone.
// A call is a CLIENT span in the caller around the SERVER span in the callee:
// the server starts after the client and ends before it, by about the same
// network time each way, so the mean of (server start − client start) and
// (server end − client end) is the callee's clock minus the caller's. Summed
// along the flow's calls from polytrace's own root span, it gives each
// service's offset from polytrace's clock: the "clock skew" pitfall of "How to
// Implement Distributed Tracing for Polyglot Architectures", measured.
import type { Span } from '../intake/span.js';
import { client } from '../topology/chain.js';
import type { Flow } from '../topology/types.js';
import { hopName, serviceOf } from './diagnose.js';
import type { ClockSkew } from './result.js';
import { TraceTree } from './trace-tree.js';

/** Offsets smaller than this are the noise of two processes' timers, not a skewed clock. */
const skewThresholdMs = 250;

const ms = (nanos: string) => Number(BigInt(nanos) / 1000n) / 1000;

/** Each service's clock minus polytrace's, in ms, for the services reached through an intact call. */
function clockOffsets(spans: readonly Span[], flow: Flow): Map<string, number> {
  const tree = new TraceTree(spans);
  const offsets = new Map<string, number>([[client.name, 0]]);
  // A message waits in its broker for as long as it waits: only calls measure a clock.
  for (const edge of flow.edges.filter((e) => !e.broker)) {
    const base = offsets.get(edge.from);
    if (base === undefined) continue;
    const server = spans.find(
      (s) => serviceOf(s) === edge.to && s.kind === 'SERVER' && tree.parentOf(s)?.kind === 'CLIENT',
    );
    const caller = server && tree.parentOf(server);
    if (!server || !caller || serviceOf(caller) !== edge.from) continue;
    const edgeOffset =
      (ms(server.startTimeUnixNano) -
        ms(caller.startTimeUnixNano) +
        (ms(server.endTimeUnixNano) - ms(caller.endTimeUnixNano))) /
      2;
    offsets.set(edge.to, base + edgeOffset);
  }
  return offsets;
}

/** The services whose clock is off polytrace's by more than the threshold, with the call that shows it. */
export function clockSkews(spans: readonly Span[], flow: Flow): ClockSkew[] {
  const offsets = clockOffsets(spans, flow);
  return flow.edges.flatMap((edge) => {
    if (edge.broker) return [];
    const offset = offsets.get(edge.to);
    const callerOffset = offsets.get(edge.from) ?? 0;
    if (
      offset === undefined ||
      Math.abs(offset) < skewThresholdMs ||
      Math.abs(offset - callerOffset) < skewThresholdMs
    ) {
      return [];
    }
    const seconds = `${offset > 0 ? '+' : '−'}${(Math.abs(offset) / 1000).toFixed(2)} s`;
    return [
      {
        service: edge.to,
        offsetMs: Math.round(offset),
        message: `${edge.to}'s clock is ${seconds} off polytrace's (measured at ${hopName(edge)}): its spans are drawn out of place, but propagation does not depend on clocks`,
      },
    ];
  });
}
