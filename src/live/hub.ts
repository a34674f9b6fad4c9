// What the live page shows, kept in the CLI and pushed to every open page as
// Server-Sent Events: each trace as it is verified (its HTML from the report's
// own fragments), the live dependency map, the chain's progress, a scenario
// switch as it goes. Bounded: the newest traces whole, older ones as one line,
// the rest only counted, so a chain left up all day holds the same.
import type { ServerResponse } from 'node:http';
import type { SwitchProgress, TraceOrigin } from '../core/up-controls.js';
import { dependencyMap } from '../report/dependency-map.js';
import { escapeHtml } from '../report/html-escape.js';
import { dependencyGraph, dependencyTable } from '../report/html-map.js';
import { traceSectionHtml } from '../report/html-trace.js';
import { traceVerdict, unsampledVerdict } from '../report/verdict.js';
import type { TraceResult } from '../verify/result.js';
import type { UnsampledRequests } from '../verify/unsampled.js';
import { clock, maxRows } from './page-parts.js';
import { liveMapLayout } from './page-style.js';
import type { LabView, LiveEvent, LiveEvents, LiveState, ProgressLine, Row, WholeTrace } from './protocol.js';

/** Traces kept whole (their HTML), for a page that opens or reconnects, and to expand on click. */
const keepWhole = 40;
/** The map is drawn from this many of the newest traces. */
const mapWindow = 200;
/** Progress lines kept for a page that opens late. */
const keepProgress = 12;
/**
 * The HTML of the traces kept whole, in bytes at most: a page that opens gets all of it at once, so
 * this bounds what each new page costs. Older traces beyond it stay as one line.
 */
const maxWholeBytes = 2 * 1024 * 1024;
/** A page that reads slower than this many bytes behind is dropped; it reconnects and gets the state anew. */
const maxBacklog = 4 * 1024 * 1024;
/**
 * Pages open at once, at most (a laptop and a projector, with room to spare); the next is refused
 * with 503 until one closes. Each may hold maxBacklog unread, so this bounds what pages cost.
 */
export const maxPages = 8;

export interface LiveHubOptions {
  /** `live` acts on a running chain; `view` shows a past run and acts on nothing; `lab` shows an exercise. */
  mode: LiveState['mode'];
  /** What the page shows in its header: the command and the run folder. */
  title: string;
  /** The scenarios the page offers (in `live` mode). */
  scenarios: ReadonlyArray<{ name: string; summary: string }>;
  scenario?: string;
}

/** Everything the page shows, for its first response: the page is whole before any event. */
export interface LiveSnapshot {
  state: LiveState;
  progress: ProgressLine | undefined;
  /** The last switch, when it failed. */
  failedSwitch: SwitchProgress | undefined;
  mapHtml: string;
  /** Newest first; a trace kept whole carries its HTML. */
  items: Array<Row & { html?: string }>;
  /** The lab view, in `lab` mode. */
  lab: LabView | undefined;
}

const event = <E extends LiveEvent>(name: E, data: LiveEvents[E]) =>
  `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export class LiveHub {
  private readonly pages = new Set<ServerResponse>();
  private seq = 0;
  private readonly whole: WholeTrace[] = [];
  private wholeBytes = 0;
  private readonly rows: Row[] = [];
  private readonly window: TraceResult[] = [];
  private readonly counts = { traces: 0, ok: 0, failed: 0, notes: 0 };
  private readonly progressLines: ProgressLine[] = [];
  private scenario: string | undefined;
  private ready = false;
  private lastSwitch: SwitchProgress | undefined;
  private mapHtml = '';
  private lab: LabView | undefined;
  private mapTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(readonly options: LiveHubOptions) {
    this.scenario = options.scenario;
    // A comment line now and then keeps proxies and the browser from taking the stream for dead.
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), 15_000);
    this.heartbeat.unref();
  }

  /** The chain is up: actions may run. */
  setReady(ready: boolean): void {
    this.ready = ready;
    this.broadcast('state', this.state());
  }

  addTrace(trace: TraceResult, origin: TraceOrigin, at = Date.now()): void {
    const seq = ++this.seq;
    const who = origin.sentBy === 'caller' ? 'sent by hand' : origin.first ? 'first request' : 'polytrace';
    const heading = `#${seq} <span class="who">${escapeHtml(who)}</span> <span class="when">${clock(at)}</span> <span class="in-scenario">${escapeHtml(origin.scenario)}</span>`;
    const item: WholeTrace = {
      seq,
      kind: 'trace',
      ok: trace.ok,
      verdict: traceVerdict(trace),
      at,
      traceId: trace.traceId,
      sentBy: origin.sentBy,
      scenario: origin.scenario,
      ...(trace.diagnosis ? { hop: trace.diagnosis.hop, cause: trace.diagnosis.cause } : {}),
      html: traceSectionHtml(trace, heading, `trace-${seq}`),
    };
    this.counts.traces += 1;
    this.counts[trace.ok ? 'ok' : 'failed'] += 1;
    this.keep(item);
    this.window.push(trace);
    if (this.window.length > mapWindow) this.window.shift();
    this.broadcast('trace', item);
    this.broadcast('state', this.state());
    this.scheduleMap();
  }

  addUnsampled(requests: UnsampledRequests, at = Date.now()): void {
    const row: Row = { seq: ++this.seq, kind: 'note', ok: true, verdict: unsampledVerdict(requests), at };
    this.counts.notes += 1;
    this.keepRow(row);
    this.broadcast('note', row);
  }

  progress(message: string, at = Date.now()): void {
    const line = { at, message };
    this.progressLines.push(line);
    if (this.progressLines.length > keepProgress) this.progressLines.shift();
    this.broadcast('progress', line);
  }

  switching(progress: SwitchProgress): void {
    this.lastSwitch = progress;
    if (progress.phase === 'ready') this.scenario = progress.scenario;
    this.broadcast('switch', progress);
    this.broadcast('state', this.state());
  }

  /** The lab view changed: a new round's verdict, or the workspace's progress. */
  setLab(view: LabView): void {
    this.lab = { ...view, ...(this.lab?.said && !view.said ? { said: this.lab.said } : {}) };
    this.broadcast('lab', this.lab);
  }

  /** What a lab button answered (a hint, a reset, a solve): every page shows it. */
  labSaid(text: string): void {
    if (!this.lab) return;
    this.lab = { ...this.lab, said: text };
    this.broadcast('lab', this.lab);
  }

  /** The HTML of a trace still kept whole, for a page that expands an older line. */
  traceHtml(seq: number): string | undefined {
    return this.whole.find((t) => t.seq === seq)?.html;
  }

  /** A page opened (or reconnected): the event stream, starting with everything it needs to catch up. */
  attach(page: ServerResponse): void {
    if (this.pages.size >= maxPages) {
      page.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
      page.end(`Expected at most ${maxPages} live pages open at once, got one more: close one\n`);
      return;
    }
    page.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    this.pages.add(page);
    page.on('close', () => this.pages.delete(page));
    const send = <E extends LiveEvent>(name: E, data: LiveEvents[E]) => page.write(event(name, data));
    send('state', this.state());
    for (const line of this.progressLines) send('progress', line);
    if (this.lastSwitch) send('switch', this.lastSwitch);
    send('map', { html: this.mapHtml });
    if (this.lab) send('lab', this.lab);
    const whole = new Set(this.whole.map((t) => t.seq));
    send('history', { rows: this.rows.filter((r) => !whole.has(r.seq)) });
    for (const trace of this.whole) send('trace', trace);
  }

  /** Ends every page's stream (the server is closing). */
  close(): void {
    clearInterval(this.heartbeat);
    if (this.mapTimer) clearTimeout(this.mapTimer);
    for (const page of this.pages) page.end();
    this.pages.clear();
  }

  snapshot(): LiveSnapshot {
    const html = new Map(this.whole.map((t) => [t.seq, t.html]));
    return {
      state: this.state(),
      progress: this.progressLines.at(-1),
      failedSwitch: this.lastSwitch?.phase === 'failed' ? this.lastSwitch : undefined,
      mapHtml: this.mapHtml,
      lab: this.lab,
      items: this.rows.map((row) => ({ ...row, ...(html.has(row.seq) ? { html: html.get(row.seq) } : {}) })).reverse(),
    };
  }

  private state(): LiveState {
    return {
      mode: this.options.mode,
      title: this.options.title,
      scenario: this.scenario ?? null,
      ready: this.ready,
      switching: this.lastSwitch?.phase === 'restarting' ? this.lastSwitch.scenario : null,
      counts: this.counts,
    };
  }

  private keep(item: WholeTrace): void {
    this.whole.push(item);
    this.wholeBytes += item.html.length;
    while (this.whole.length > keepWhole || (this.whole.length > 1 && this.wholeBytes > maxWholeBytes)) {
      this.wholeBytes -= this.whole.shift()!.html.length;
    }
    const { html: _, ...row } = item;
    this.keepRow(row);
  }

  private keepRow(row: Row): void {
    this.rows.push(row);
    if (this.rows.length > maxRows) this.rows.shift();
  }

  /** Redrawn at most a few times a second, however fast the traces come. */
  private scheduleMap(): void {
    if (this.mapTimer) return;
    this.mapTimer = setTimeout(() => {
      this.mapTimer = undefined;
      this.drawMap();
    }, 200);
    this.mapTimer.unref();
  }

  /** Draws the map now (a past run shows all its traces at once). */
  drawMap(): void {
    const map = dependencyMap(this.window);
    const from =
      this.counts.traces > this.window.length
        ? `the newest ${this.window.length} of ${this.counts.traces} traces`
        : `${this.window.length} trace${this.window.length === 1 ? '' : 's'}`;
    this.mapHtml = `<p class="note">From ${from}: services and their languages, calls with counts, errors and p95 (the caller's client span); a dashed red arrow where traces broke.</p>
${dependencyGraph(map, liveMapLayout)}
${dependencyTable(map)}`;
    this.broadcast('map', { html: this.mapHtml });
  }

  private broadcast<E extends LiveEvent>(name: E, data: LiveEvents[E]): void {
    this.broadcastRaw(event(name, data));
  }

  private broadcastRaw(text: string): void {
    for (const page of this.pages) {
      if (page.writableLength > maxBacklog) {
        // Said on the page's progress line: a page that reads too slowly is cut, and reconnects.
        page.destroy();
        this.pages.delete(page);
        const behind = Math.round(maxBacklog / 1024 / 1024);
        queueMicrotask(() => this.progress(`a live page fell over ${behind} MiB behind and was cut; it reconnects`));
        continue;
      }
      page.write(text);
    }
  }
}
