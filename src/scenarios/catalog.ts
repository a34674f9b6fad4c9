// The scenarios `--scenario` accepts, in the order `polytrace scenarios` lists them.
import { flows } from '../topology/chain.js';
import type { Scenario } from './scenario.js';

export const scenarios: Scenario[] = [
  {
    name: 'happy',
    summary: 'one connected trace per request across Go, Java, Python and Node',
    flow: flows.order,
  },
  {
    name: 'unauthorized',
    summary: 'no token: auth answers 401, the gateway stops; one connected trace without order-service',
    flow: flows.unauthorized,
  },
];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
