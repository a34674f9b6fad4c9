import { scenarios } from '../scenarios/catalog.js';

export function scenariosCommand(): number {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  for (const scenario of scenarios) process.stdout.write(`${scenario.name.padEnd(width)}  ${scenario.summary}\n`);
  return 0;
}
