// What `up` offers once the chain is up (the live page's actions, one method
// each) and what it reports of them: where each trace came from, a scenario
// switch as it goes. Types only, and nothing of Node: the page's script is
// type-checked against them too.
import type { TraceResult } from '../verify/result.js';

/** The actions of the live page; each method's name is the action's one name (its URL, its button). */
export interface UpControls {
  /** Fires one request of the running scenario's flow; resolves with its verified trace. */
  send(): Promise<TraceResult>;
  /** Fires one request of the unauthorized flow (no bearer token: auth answers 401); resolves with its verified trace. */
  sendUnauthorized(): Promise<TraceResult>;
  /**
   * Restarts only the services the scenario changes, then fires one request; resolves with its
   * verified trace. Throws at once, before anything restarts, while another switch is under way.
   */
  switchScenario(name: string): Promise<TraceResult>;
}

/** Where a trace came from: a request polytrace fired (the first, or one asked for), or someone else's. */
export interface TraceOrigin {
  sentBy: 'polytrace' | 'caller';
  /** The scenario the chain ran when the request was sent. */
  scenario: string;
  /** The request `up` fires to prove the chain works. */
  first?: boolean;
}

/** A scenario switch as it goes: which services restart, when they are ready, when it failed. */
export interface SwitchProgress {
  phase: 'restarting' | 'ready' | 'failed';
  scenario: string;
  /** The services it restarts (none when the scenario changes only the request). */
  services: string[];
  /** Since the switch was asked for. */
  elapsedMs: number;
  message: string;
}
