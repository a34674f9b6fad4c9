// The dependency map as a compact terminal table for the summary of `check`:
// one row per edge, in the direction a request travels, within 80 columns.
import type { DependencyMap } from './dependency-map.js';
import { formatMs } from './format.js';
import { serviceColor, type Colors } from './style.js';

const fit = (text: string, max: number) => (text.length <= max ? text.padEnd(max) : `${text.slice(0, max - 1)}…`);

/**
 * Messages through a broker, one row per `producer → broker → consumer`: 2 + 48 + 2 × 5 + 2 × 9 =
 * 78 columns, the hop spelled out in full. Latency: from publish to consume, time in the queue
 * included.
 */
function renderMessageRows(edges: DependencyMap['edges'], colors: Colors): string[] {
  if (edges.length === 0) return [];
  const header = `  ${'messages (latency: publish to consume)'.padEnd(48)}${'msg'.padStart(5)}${'err'.padStart(5)}${'p50'.padStart(9)}${'p95'.padStart(9)}`;
  const rows = edges.map((edge) => {
    const hop = `${edge.from} → ${edge.via} → ${edge.to}`;
    const errors = String(edge.errors).padStart(5);
    const text = fit(hop, 48);
    const drawn = text
      .replace(edge.from, serviceColor(colors, edge.from)(edge.from))
      .replace(` ${edge.to}`, ` ${serviceColor(colors, edge.to)(edge.to)}`);
    return [
      '  ',
      drawn,
      String(edge.requests).padStart(5),
      edge.errors > 0 ? colors.red(errors) : errors,
      formatMs(edge.p50Ms).padStart(9),
      formatMs(edge.p95Ms).padStart(9),
    ].join('');
  });
  return ['', colors.dim(header), ...rows];
}

export function renderDependencyTable(map: DependencyMap, { colors }: { colors: Colors }): string {
  if (map.edges.length === 0) return colors.dim('Service dependencies: no calls between services were linked');
  // 2 + 20 + 3 + 20 + 3 × 5 + 2 × 9 = 78 columns: notification-service is the longest name.
  const header = `  ${'caller'.padEnd(20)}   ${'callee'.padEnd(20)}${'req'.padStart(5)}${'err'.padStart(5)}${'4xx'.padStart(5)}${'p50'.padStart(9)}${'p95'.padStart(9)}`;
  const rows = map.edges
    .filter((edge) => !edge.via)
    .map((edge) => {
      const errors = String(edge.errors).padStart(5);
      return [
        '  ',
        serviceColor(colors, edge.from)(fit(edge.from, 20)),
        ' → ',
        serviceColor(colors, edge.to)(fit(edge.to, 20)),
        String(edge.requests).padStart(5),
        edge.errors > 0 ? colors.red(errors) : errors,
        String(edge.rejected).padStart(5),
        formatMs(edge.p50Ms).padStart(9),
        formatMs(edge.p95Ms).padStart(9),
      ].join('');
    });
  return [
    colors.bold('Service dependencies') + colors.dim(' (latency: the caller’s client span)'),
    colors.dim(header),
    ...rows,
    ...renderMessageRows(
      map.edges.filter((edge) => edge.via),
      colors,
    ),
  ].join('\n');
}
