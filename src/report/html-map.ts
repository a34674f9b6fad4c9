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

/** The map's geometry in its own units: each style sheet sets label sizes that fit its boxes. */
export interface GraphLayout {
  /**
   * Which way a request travels: `right`, a column per step (the report), or `down`, a row per step
   * (the live page, whose labels are larger than four columns of boxes fit across a projector).
   */
  flow: 'right' | 'down';
  nodeW: number;
  nodeH: number;
  /** From one step of the request to the next, and from one service to the next within a step. */
  stepPitch: number;
  servicePitch: number;
  /** Baselines of the service's name and its language, down from a box's top. */
  nameY: number;
  languageY: number;
  /** Where a call's label sits from its line's middle (above), a message's (below), a broken hop's (below). */
  callLabelY: number;
  messageLabelY: number;
  brokenLabelY: number;
  /** Room below the boxes for a broken hop's two lines. */
  brokenRoom: number;
}

/** The report's map, with its sheet's 14 px labels. */
const reportLayout: GraphLayout = {
  flow: 'right',
  nodeW: 180,
  nodeH: 46,
  stepPitch: 370,
  servicePitch: 110,
  nameY: 20,
  languageY: 36,
  callLabelY: -6,
  messageLabelY: 16,
  brokenLabelY: 18,
  brokenRoom: 60,
};

export function dependencyGraph(map: DependencyMap, layout: GraphLayout = reportLayout): string {
  if (map.services.length === 0) return '';
  const layer = layers(map);
  const { nodeW, nodeH, stepPitch, servicePitch } = layout;
  const right = layout.flow === 'right';
  const position = new Map<string, { x: number; y: number }>();
  const perLayer = new Map<number, number>();
  for (const service of map.services) {
    const l = layer.get(service) ?? 0;
    const row = perLayer.get(l) ?? 0;
    perLayer.set(l, row + 1);
    const [along, across] = [20 + l * stepPitch, 20 + row * servicePitch];
    position.set(service, right ? { x: along, y: across } : { x: across, y: along });
  }
  const steps = Math.max(...perLayer.keys()) * stepPitch;
  const abreast = (Math.max(...perLayer.values()) - 1) * servicePitch;
  const brokenRoom = map.broken.length ? layout.brokenRoom : 10;
  const [width, height] = right
    ? [40 + steps + nodeW, 40 + abreast + nodeH + brokenRoom]
    : [40 + abreast + nodeW, 40 + steps + nodeH + brokenRoom];
  /** From the caller's box to the callee's, in the way the request travels; `shift` moves both ends across it. */
  const ends = (a: { x: number; y: number }, b: { x: number; y: number }, shift = 0) =>
    right
      ? [a.x + nodeW, a.y + nodeH / 2 + shift, b.x - 6, b.y + nodeH / 2 + shift]
      : [a.x + nodeW / 2 + shift, a.y + nodeH, b.x + nodeW / 2 + shift, b.y - 6];
  /** A curve that leaves and enters each box square to its side; `bend` pushes its middle across the flow. */
  const curve = ([x1, y1, x2, y2]: number[], bend = 0) => {
    const [mx, my] = [(x1! + x2!) / 2, (y1! + y2!) / 2];
    return right
      ? `M${x1},${y1} C${mx},${y1! + bend} ${mx},${y2! + bend} ${x2},${y2}`
      : `M${x1},${y1} C${x1! + bend},${my} ${x2! + bend},${my} ${x2},${y2}`;
  };
  const edges = map.edges
    .map((e) => {
      const line = ends(position.get(e.from)!, position.get(e.to)!);
      const [x1, y1, x2, y2] = line as [number, number, number, number];
      const mx = (x1 + x2) / 2;
      // A message hop is dashed and labelled below its line: it may run beside a call between the same two services.
      const label = e.via
        ? `via ${e.via} · ${e.requests} msg${e.errors ? ` · ${e.errors} err` : ''} · p95 ${formatMs(e.p95Ms)}`
        : `${e.requests} req${e.errors ? ` · ${e.errors} err` : ''} · p95 ${formatMs(e.p95Ms)}`;
      const labelY = (y1 + y2) / 2 + (e.via ? layout.messageLabelY : layout.callLabelY);
      return `<g class="edge${e.errors > 0 ? ' bad' : ''}${e.via ? ' message' : ''}"><path d="${curve(line)}" marker-end="url(#arrow)"/>
<text x="${mx}" y="${labelY}" text-anchor="middle">${escapeHtml(label)}</text></g>`;
    })
    .join('\n');
  const linked = new Set(map.edges.map((e) => `${e.from}\u0000${e.to}`));
  // Dashed, in the error colour, and bent beside the linked call between the same two services
  // (when some traces still linked it), so both stay readable.
  const broken = map.broken
    .map((e) => {
      const bend = linked.has(`${e.from}\u0000${e.to}`) ? 34 : 0;
      const line = ends(position.get(e.from)!, position.get(e.to)!, bend / 3);
      const [x1, y1, x2, y2] = line as [number, number, number, number];
      const mx = (x1 + x2) / 2 + (right ? 0 : bend);
      // Two short lines: the gap between two columns is narrower than one long label.
      const y = right ? Math.max(y1, y2) + bend / 2 + layout.brokenLabelY : (y1 + y2) / 2 + layout.brokenLabelY;
      return `<g class="edge broken" data-hop="${escapeHtml(`${e.from} → ${e.to}`)}"><path d="${curve(line, bend)}" marker-end="url(#broken-arrow)"/>
<text x="${mx}" y="${y}" text-anchor="middle"><tspan x="${mx}">✗ broken in ${e.traces} trace${e.traces === 1 ? '' : 's'}</tspan><tspan x="${mx}" dy="1.2em">${escapeHtml(e.causes.join(', '))}</tspan></text></g>`;
    })
    .join('\n');
  const nodes = map.services
    .map((s) => {
      const { x, y } = position.get(s)!;
      return `<g class="node" style="--c:${colorOf(s)}"><rect x="${x}" y="${y}" width="${nodeW}" height="${nodeH}" rx="8"/>
<text x="${x + nodeW / 2}" y="${y + layout.nameY}" text-anchor="middle" class="svc">${escapeHtml(s)}</text>
<text x="${x + nodeW / 2}" y="${y + layout.languageY}" text-anchor="middle" class="lng">${escapeHtml(describeService(s).language)}</text></g>`;
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
