// The page's actions on the server, each by its one name: what its body must
// carry, how many may run at once, and the control of `up` it calls. Who may
// ask (the page's origin and the run's token) the server checks before.
import type { UpControls } from '../core/up-controls.js';
import { actionPath, type ActionName } from './protocol.js';

/** Requests polytrace fires at once for the page at most; more get 429 until one is verified. */
const maxSendsInFlight = 4;

/** What the server answers to an action's POST. */
interface ActionAnswer {
  status: number;
  body: { accepted: string } | { error: string };
}

interface ActionRequest {
  path: string;
  body: string;
  controls: UpControls;
}

/** Runs the page's actions: each answers at once, and how it ends later is told through onError. */
export function pageActions(options: {
  scenarios: readonly string[];
  onError(message: string): void;
}): (request: ActionRequest) => ActionAnswer {
  let sendsInFlight = 0;

  /** A control that refuses at once (a switch while another is under way) answers 409. */
  const start = (what: { accepted: string; label?: string; run: () => Promise<unknown>; after?: () => void }) => {
    let running: Promise<unknown>;
    try {
      running = what.run();
    } catch (error) {
      what.after?.();
      return { status: 409, body: { error: (error as Error).message } };
    }
    running
      .catch((error: unknown) => options.onError(`${what.label ?? what.accepted}: ${(error as Error).message}`))
      .finally(() => what.after?.());
    return { status: 202, body: { accepted: what.accepted } };
  };

  const send = (name: ActionName, run: () => Promise<unknown>): ActionAnswer => {
    if (sendsInFlight >= maxSendsInFlight) {
      return { status: 429, body: { error: `${maxSendsInFlight} requests are still being verified: wait for one` } };
    }
    sendsInFlight += 1;
    return start({ accepted: name, run, after: () => (sendsInFlight -= 1) });
  };

  const scenarioIn = (body: string): unknown => {
    try {
      return (JSON.parse(body) as { name?: unknown }).name;
    } catch {
      return undefined;
    }
  };

  const handlers: { [A in ActionName]: (request: ActionRequest) => ActionAnswer } = {
    send: ({ controls }) => send('send', () => controls.send()),
    sendUnauthorized: ({ controls }) => send('sendUnauthorized', () => controls.sendUnauthorized()),
    switchScenario: ({ controls, body }) => {
      const name = scenarioIn(body);
      if (typeof name !== 'string' || !options.scenarios.includes(name)) {
        const error = `Expected {"name": one of ${options.scenarios.join(', ')}}, got ${body.slice(0, 80)}`;
        return { status: 400, body: { error } };
      }
      return start({ accepted: name, label: `switch to ${name}`, run: () => controls.switchScenario(name) });
    },
  };

  return (request) => {
    const name = (Object.keys(handlers) as ActionName[]).find((n) => actionPath(n) === request.path);
    return name ? handlers[name](request) : { status: 404, body: { error: `no action ${request.path}` } };
  };
}
