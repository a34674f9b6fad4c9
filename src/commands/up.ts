import { up } from '../core/up.js';
import { flows } from '../topology/chain.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { renderTraceSummary } from '../report/terminal.js';
import { renderWaterfall } from '../report/waterfall.js';
import { parseChainFlags, type ChainFlags } from './options.js';
import { stderrProgress } from './progress-printer.js';

export async function upCommand(flags: ChainFlags & { conformance?: boolean }, signal: AbortSignal): Promise<number> {
  const colors = colorsFor(colorEnabled(process.stdout));
  const width = () => process.stdout.columns || 100;
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const options = parseChainFlags(flags, stderrProgress(), Boolean(flags.conformance));
  let gatewayUrl = '';
  await up(options, signal, {
    ready(chain, info) {
      gatewayUrl = chain.gatewayUrl;
      print('');
      print(colors.bold(`polytrace is up (${info.runtime} runtime, scenario ${options.scenario.name})`));
      for (const [name, url] of Object.entries(chain.serviceUrls)) print(`  ${name.padEnd(22)} ${url}`);
      print(`  ${'spans (OTLP JSON)'.padEnd(22)} ${info.spansFile}`);
      if (options.chain.environment.conformance) {
        print('W3C Trace Context test-service endpoints (python3 test.py <url> in w3c/trace-context/test):');
        for (const [name, url] of Object.entries(chain.serviceUrls)) print(`  ${name.padEnd(22)} ${url}/w3c/test`);
      }
    },
    verified(trace) {
      print('');
      print(colors.bold('A first request, fired and verified by polytrace:'));
      print(renderWaterfall(trace.spans, { width: width(), colors, strays: trace.strays, linked: trace.linked ?? [] }));
      print(renderTraceSummary(trace, { colors, width: width() }));
      print('');
      print(colors.bold('Send your own (each new trace shows up below); Ctrl-C stops everything:'));
      print(
        `  curl -s -X ${flows.order.method} ${gatewayUrl}${flows.order.path} -H 'Authorization: Bearer demo' -H 'Content-Type: application/json' -d '{"items":[{"sku":"tea","quantity":1}]}'`,
      );
    },
    trace(spans) {
      print('');
      print(colors.bold(`trace ${spans[0]?.traceId} (${spans.length} spans)`));
      print(renderWaterfall(spans, { width: width(), colors }));
    },
  });
  process.stderr.write('polytrace ▸ stopped: nothing left running\n');
  return 0;
}
