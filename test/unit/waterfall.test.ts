import { describe, expect, it } from 'vitest';
import { colorsFor } from '../../src/report/style.js';
import { renderWaterfall, waterfallRows } from '../../src/report/waterfall.js';
import { orderTrace } from './fixtures/synthetic-trace.js';

const plain = colorsFor(false);

describe('waterfall', () => {
  it('puts each span after its parent, indented by depth', () => {
    const rows = waterfallRows(orderTrace());
    expect(rows.map((r) => `${r.depth}:${r.span.name}`).slice(0, 6)).toEqual([
      '0:POST',
      '1:POST /orders',
      '2:auth.verify',
      '3:GET',
      '4:GET /verify',
      '5:token.validate',
    ]);
  });

  it.each([80, 100, 160])('stays within %i columns', (width) => {
    const lines = renderWaterfall(orderTrace(), { width, colors: plain }).split('\n');
    expect(lines).toHaveLength(15);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
  });

  it('has no escape codes without colour', () => {
    expect(renderWaterfall(orderTrace(), { width: 100, colors: plain })).not.toMatch(/\x1b\[/);
  });

  it('marks a span whose parent is missing', () => {
    const spans = orderTrace().filter((s) => s.name !== 'notification.send');
    expect(renderWaterfall(spans, { width: 100, colors: plain })).toMatch(/^⚠ POST /m);
  });
});
