import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/intake/span.js';
import { colorEnabled, colorsFor } from '../../src/report/style.js';
import { renderWaterfall, waterfallRows } from '../../src/report/waterfall.js';
import { orderTrace, splitAt } from './fixtures/synthetic-trace.js';

const plain = colorsFor(false);
const stream = (isTTY: boolean) => ({ isTTY }) as NodeJS.WriteStream;

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
    expect(lines).toHaveLength(1 + 15);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
  });

  it('keeps the deepest span names whole at 80 columns', () => {
    const text = renderWaterfall(orderTrace(), { width: 80, colors: plain });
    for (const name of ['notification.send', 'db.insert_order', 'POST /notify', 'email.send', 'token.validate']) {
      expect(text).toContain(` ${name} `);
    }
  });

  it('labels the columns and the time axis', () => {
    const [header] = renderWaterfall(orderTrace(), { width: 100, colors: plain }).split('\n');
    expect(header).toMatch(/^ {2}span +service +lang code 0ms +300\.0ms duration$/);
  });

  it('has no escape codes without colour', () => {
    expect(renderWaterfall(orderTrace(), { width: 100, colors: plain })).not.toMatch(/\x1b\[/);
  });

  it('colours only a TTY, and never under NO_COLOR', () => {
    expect(colorEnabled(stream(true), {})).toBe(true);
    expect(colorEnabled(stream(false), {})).toBe(false);
    expect(colorEnabled(stream(true), { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(stream(false), { FORCE_COLOR: '1' })).toBe(true);
  });

  it('marks a span whose parent is missing', () => {
    const spans = orderTrace().filter((s) => s.name !== 'notification.send');
    expect(renderWaterfall(spans, { width: 100, colors: plain })).toMatch(/^⚠ +POST /m);
  });

  it('draws spans split off under other trace IDs below a rule, on the same axis', () => {
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    const lines = renderWaterfall(kept, { width: 80, colors: plain, strays }).split('\n');
    expect(lines).toHaveLength(1 + 13 + 1 + 2);
    expect(lines[14]).toMatch(/under other trace IDs/);
    expect(lines[15]).toMatch(/^ {2}POST \/notify +notification-service/);
    expect(lines[0]).toMatch(/300\.0ms duration$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('marks a failed span and its 5xx status', () => {
    const spans = orderTrace().map((s): Span =>
      s.service === 'order-service' && s.kind === 'SERVER'
        ? { ...s, attributes: { ...s.attributes, 'http.response.status_code': 500 } }
        : s,
    );
    expect(renderWaterfall(spans, { width: 100, colors: plain })).toMatch(
      /^✗ +POST \/orders +order-service +py +500 /m,
    );
  });
});

describe('span text from outside', () => {
  it('reaches the terminal without its control characters: an escape sequence is shown, not run', () => {
    const spans = orderTrace().map((s) =>
      s.name === 'email.send'
        ? { ...s, name: 'email\u001b]0;pwned\u0007.send\u009b2J', service: 'notify\u001b[31m' }
        : s,
    );
    const text = renderWaterfall(spans, { width: 160, colors: colorsFor(false) });
    expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(text).toContain('email\\x1b]0;pwn');
    expect(text).toContain('notify\\x1b[31m');
  });
});
