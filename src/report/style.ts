// Terminal colours: on for a TTY, off for NO_COLOR, pipes and files. One
// colour per component, so a service keeps its colour in every view (the HTML
// report maps the same names to CSS colours).
import pc from 'picocolors';
import { client, collector } from '../topology/chain.js';
import { serviceNames } from '../topology/names.js';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

const palette = ['cyan', 'yellow', 'green', 'magenta', 'blue'] as const;
const componentNames: readonly string[] = [...serviceNames, collector.name];

export type ServiceColorName = (typeof palette)[number] | 'white' | 'red';

/** polytrace itself is white, the chain's components take the palette in topology order, strangers are red. */
export function serviceColorName(service: string): ServiceColorName {
  if (service === client.name) return 'white';
  const index = componentNames.indexOf(service);
  return index === -1 ? 'red' : palette[index % palette.length]!;
}

export function serviceColor(colors: Colors, service: string): (text: string) => string {
  return colors[serviceColorName(service)];
}
