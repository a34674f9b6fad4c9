// What the live page and polytrace say to each other: every event of the
// stream by its name, with its payload, and every action of the page by its
// one name. The server (hub.ts, server.ts) and the page's script (page/)
// both import it, so the compiler checks each side against the other.
import type { SwitchProgress, TraceOrigin, UpControls } from '../core/up-controls.js';
import type { LabPageControls } from '../core/lab-page-controls.js';
import type { HopState } from '../labs/hops.js';

/** What the header and the buttons show: the run, its scenario, whether actions may run. */
export interface LiveState {
  /** `live` acts on a running chain; `view` shows a past run and acts on nothing; `lab` shows an exercise. */
  mode: 'live' | 'view' | 'lab';
  title: string;
  scenario: string | null;
  /** The chain is up: actions may run. */
  ready: boolean;
  /** The scenario a switch under way restarts for. */
  switching: string | null;
  counts: { traces: number; ok: number; failed: number; notes: number };
}

/** One line of the list: a trace, or a note such as a request that was not sampled. */
export interface Row {
  /** Counts every trace and note from 1, so the page knows how many older lines it no longer holds. */
  seq: number;
  kind: 'trace' | 'note';
  ok: boolean;
  verdict: string;
  at: number;
  traceId?: string;
  sentBy?: TraceOrigin['sentBy'];
  scenario?: string;
  /** The diagnosed hop and cause, for a broken trace. */
  hop?: string;
  cause?: string;
}

/** A trace with its HTML, rendered by the report's own fragments. */
export interface WholeTrace extends Row {
  html: string;
}

export interface ProgressLine {
  at: number;
  message: string;
}

/** The lab view: the exercise, its hops as the newest trace left them, and what the workspace holds. */
export interface LabView {
  exercise: { id: string; title: string; story: string; service: string; language: string };
  /** The file to open, in the attendee's workspace. */
  file: string;
  verdict: 'waiting' | 'broken' | 'fixed';
  /** Where the newest trace breaks, while broken. */
  brokenAt?: string;
  hops: HopState[];
  /** What still breaks, one line each, from the newest trace. */
  problems: string[];
  /** Every exercise of the catalogue, with its state in the workspace: the lab page's buttons act on each. */
  exercises: Array<{ id: string; title: string; state: 'not started' | 'broken' | 'fixed'; running: boolean }>;
  /** What the last button said (a hint, a reset, a solve), for the whole room to read. */
  said?: string;
}

/** Every event of the stream, by name, with its payload (sent as JSON). */
export interface LiveEvents {
  state: LiveState;
  progress: ProgressLine;
  switch: SwitchProgress;
  map: { html: string };
  /** The older lines, for a page that opens or reconnects; the traces kept whole follow as `trace` events. */
  history: { rows: Row[] };
  trace: WholeTrace;
  note: Row;
  lab: LabView;
}

export type LiveEvent = keyof LiveEvents;

export const eventsPath = '/events';

/**
 * The page's actions, each by its one name: the method of UpControls that runs it, its URL
 * (actionPath), its button's `data-action` and the server's handler.
 */
export type ActionName = keyof UpControls;

/** What each action's POST carries: a switch names its scenario. */
export type ActionBodies = {
  [A in ActionName]: A extends 'switchScenario' ? { name: string } : Record<string, never>;
};

export const actionPath = (name: ActionName) => `/actions/${name}`;

/**
 * The lab page's actions on one exercise of the workspace, as `polytrace lab hint`, `reset` and
 * `solve` do: each POST names its exercise.
 */
export type LabActionName = keyof LabPageControls;

export const labActionPath = (name: LabActionName) => `/lab/${name}`;

/** What each lab action's POST carries: the exercise it acts on, by its id. */
export interface LabActionBody {
  exercise: string;
}

/**
 * The page's token: it travels only in the URL polytrace prints (this query parameter), which the
 * server exchanges for an HttpOnly cookie of this name (one per port: a browser sends a cookie of
 * 127.0.0.1 to every port). The page's script never sees it; the browser sends it.
 */
export const pageToken = { query: 'token', cookie: (port: number) => `polytrace-${port}` } as const;

/** A trace kept whole, for a page that expands an older line. */
export const tracePath = (seq: number) => `/traces/${seq}`;
