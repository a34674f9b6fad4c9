// The service dependency map in HTML: an SVG graph (services left to right in
// the direction a request travels, calls with counts and p95, and the broken
// hops where traces split) and a table. The report of `check` and the live page
// draw the same.
import { formatMs } from './format.js';
import type { DependencyMap } from './dependency-map.js';
import { escapeHtml } from './html-escape.js';
import { chip, colorOf, describeService } from './html-trace.js';

/** Layers by longest call path from a caller nobody calls, so requests read left to right. */
function layers(map: DependencyMap): Map<string, number> {
  const layer = new Map(map.services.map((s) => [s, 0]));
  // At most one pass per service: enough for any acyclic map, and a cycle cannot loop forever.
  // A broken hop still places the callee after its caller: the map shows where the request went.
  const calls = [...map.edges, ...map.broken];
  for (let pass = 0; pass < map.services.length; pass++) {
    for (const edge of calls) {
      const next = Math.min(map.services.length, (layer.get(edge.from) ?? 0) + 1);
      if ((layer.get(edge.to) ?? 0) < next) layer.set(edge.to, next);
    }
  }
  return layer;
}

export function dependencyGraph(map: DependencyMap): string {
  if (map.services.length === 0) return '';
  const layer = layers(map);
  const nodeW = 180;
  const nodeH = 46;
  const colW = 370;
  const rowH = 110;
  const position = new Map<string, { x: number; y: number }>();
  const perLayer = new Map<number, number>();
  for (const service of map.services) {
    const l = layer.get(service) ?? 0;
    const row = perLayer.get(l) ?? 0;
    perLayer.set(l, row + 1);
    position.set(service, { x: 20 + l * colW, y: 20 + row * rowH });
  }
  const width = 40 + (Math.max(...perLayer.keys()) * colW + nodeW);
  const height = 40 + (Math.max(...perLayer.values()) - 1) * rowH + nodeH + (map.broken.length ? 60 : 10);
  const edges = map.edges
    .map((e) => {
      const a = position.get(e.from)!;
      const b = position.get(e.to)!;
      const [x1, y1, x2, y2] = [a.x + nodeW, a.y + nodeH / 2, b.x - 6, b.y + nodeH / 2];
      const mx = (x1 + x2) / 2;
      // A message hop is dashed and labelled below its line: it may run beside a call between the same two services.
      const label = e.via
        ? `via ${e.via} · ${e.requests} msg${e.errors ? ` · ${e.errors} err` : ''} · p95 ${formatMs(e.p95Ms)}`
        : `${e.requests} req${e.errors ? ` · ${e.errors} err` : ''} · p95 ${formatMs(e.p95Ms)}`;
      const labelY = (y1 + y2) / 2 + (e.via ? 16 : -6);
      return `<g class="edge${e.errors > 0 ? ' bad' : ''}${e.via ? ' message' : ''}"><path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>
<text x="${mx}" y="${labelY}" text-anchor="middle">${escapeHtml(label)}</text></g>`;
    })
    .join('\n');
  const linked = new Set(map.edges.map((e) => `${e.from}\u0000${e.to}`));
  // Dashed, in the error colour, and bent below the linked call between the same two services
  // (when some traces still linked it), so both stay readable.
  const broken = map.broken
    .map((e) => {
      const a = position.get(e.from)!;
      const b = position.get(e.to)!;
      const bend = linked.has(`${e.from}\u0000${e.to}`) ? 34 : 0;
      const [x1, y1, x2, y2] = [a.x + nodeW, a.y + nodeH / 2 + bend / 3, b.x - 6, b.y + nodeH / 2 + bend / 3];
      const mx = (x1 + x2) / 2;
      // Two short lines: the gap between two columns is narrower than one long label.
      const y = Math.max(y1, y2) + bend / 2 + 18;
      return `<g class="edge broken" data-hop="${escapeHtml(`${e.from} → ${e.to}`)}"><path d="M${x1},${y1} C${mx},${y1 + bend} ${mx},${y2 + bend} ${x2},${y2}" marker-end="url(#broken-arrow)"/>
<text x="${mx}" y="${y}" text-anchor="middle"><tspan x="${mx}">✗ broken in ${e.traces} trace${e.traces === 1 ? '' : 's'}</tspan><tspan x="${mx}" dy="1.2em">${escapeHtml(e.causes.join(', '))}</tspan></text></g>`;
    })
    .join('\n');
  const nodes = map.services
    .map((s) => {
      const { x, y } = position.get(s)!;
      return `<g class="node" style="--c:${colorOf(s)}"><rect x="${x}" y="${y}" width="${nodeW}" height="${nodeH}" rx="8"/>
<text x="${x + nodeW / 2}" y="${y + 20}" text-anchor="middle" class="svc">${escapeHtml(s)}</text>
<text x="${x + nodeW / 2}" y="${y + 36}" text-anchor="middle" class="lng">${escapeHtml(describeService(s).language)}</text></g>`;
    })
    .join('\n');
  return `<svg class="graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="service dependency map">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8b949e"/></marker>
<marker id="broken-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#f85149"/></marker></defs>
${edges}
${broken}
${nodes}
</svg>`;
}

/** One row per linked call, then one per broken hop. */
export function dependencyTable(map: DependencyMap): string {
  const rows = map.edges
    .map(
      (e) =>
        `<tr><td>${chip(e.from)}${e.via ? ` → ${escapeHtml(e.via)} →` : ''}</td><td>${chip(e.to)}</td><td>${e.requests}</td><td class="${e.errors ? 'bad' : ''}">${e.errors}</td><td>${e.rejected}</td><td>${formatMs(e.p50Ms)}</td><td>${formatMs(e.p95Ms)}</td></tr>`,
    )
    .join('\n');
  const broken = map.broken
    .map(
      (e) =>
        `<tr class="broken"><td>${chip(e.from)}</td><td>${chip(e.to)}</td><td colspan="5">✗ the link was lost in ${e.traces} trace${e.traces === 1 ? '' : 's'}: ${escapeHtml(e.causes.join(', '))}</td></tr>`,
    )
    .join('\n');
  return map.edges.length || map.broken.length
    ? `<table class="deps"><thead><tr><th>caller</th><th>callee</th><th>requests</th><th>errors</th><th>4xx</th><th>p50</th><th>p95</th></tr></thead><tbody>${rows}${broken}</tbody></table>`
    : '<p class="empty">No calls between services were linked.</p>';
}

export function dependencySection(map: DependencyMap): string {
  return `<section class="dependencies"><h2>Service dependencies</h2>
<p class="note">From the traces: a callee's server span whose parent is the caller's span. Errors: status ERROR or HTTP 5xx (a 4xx is the callee saying no, counted apart). Latency: the caller's client span, nearest-rank percentiles. A message through a broker (producer → broker → consumer, a dashed grey arrow): the consumer's span whose parent, or linked span, is the producer's; latency from publish to consume. A dashed red arrow: a call whose link was lost, so the trace broke there.</p>
${dependencyGraph(map)}
${dependencyTable(map)}
</section>`;
}

export function servicesLegend(map: DependencyMap): string {
  const items = map.services
    .map((s) => {
      const { language, stack } = describeService(s);
      return `<li>${chip(s)} <b>${escapeHtml(language)}</b> <span class="stack">${escapeHtml(stack)}</span></li>`;
    })
    .join('');
  return `<ul class="legend">${items}</ul>`;
}
