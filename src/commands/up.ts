import type { Progress } from '../common/progress.js';
import { up } from '../core/up.js';
import type { UpControls } from '../core/up-controls.js';
import { LiveHub } from '../live/hub.js';
import { startLiveServer } from '../live/server.js';
import { scenarios } from '../scenarios/catalog.js';
import { flows } from '../topology/chain.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { renderUpTrace } from '../report/terminal.js';
import { marksLegend, unsampledVerdict } from '../report/verdict.js';
import { announcePage, parseUiPort, type LivePageFlags } from './live-page.js';
import { parseChainFlags, type ChainFlags } from './options.js';
import { stderrProgress } from './progress-printer.js';

export async function upCommand(
  flags: ChainFlags & LivePageFlags & { conformance?: boolean },
  signal: AbortSignal,
): Promise<number> {
  const colors = colorsFor(colorEnabled(process.stdout));
  const width = () => process.stdout.columns || 100;
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const uiPort = parseUiPort(flags.uiPort);
  const toStderr = stderrProgress();
  let hub: LiveHub | undefined;
  // Progress goes to the terminal and to the page, which shows it while the chain starts.
  const progress: Progress = (event) => {
    toStderr(event);
    hub?.progress(event.message);
  };
  const options = parseChainFlags(flags, progress, Boolean(flags.conformance));
  hub = new LiveHub({
    mode: 'live',
    title: 'polytrace up',
    scenarios: scenarios.map(({ name, summary }) => ({ name, summary })),
    scenario: options.scenario.name,
  });
  let controls: UpControls | undefined;
  const server = await startLiveServer({
    hub,
    port: uiPort,
    actions: () => controls,
    onActionError: (message) => {
      process.stderr.write(`polytrace ▸ ✗ ${message}\n`);
      hub?.progress(`✗ ${message}`);
    },
  });
  let gatewayUrl = '';
  try {
    await announcePage(server, flags);
    await up(
      {
        runOptions: options.runOptions,
        scenario: options.scenario,
        ...(options.clockSkew ? { clockSkew: options.clockSkew } : {}),
      },
      signal,
      {
        ready(chain, info, offered) {
          controls = offered;
          hub?.setReady(true);
          gatewayUrl = chain.gatewayUrl;
          print('');
          print(colors.bold(`polytrace is up (${info.runtime} runtime, scenario ${options.scenario.name})`));
          for (const [name, url] of Object.entries(chain.serviceUrls)) print(`  ${name.padEnd(22)} ${url}`);
          print(`  ${'spans (OTLP JSON)'.padEnd(22)} ${info.spansFile}`);
          print(`  ${'live page'.padEnd(22)} ${server.url}`);
          if (options.runOptions.environment.conformance) {
            print('W3C Trace Context test-service endpoints (python3 test.py <url> in w3c/trace-context/test):');
            for (const [name, url] of Object.entries(chain.serviceUrls)) print(`  ${name.padEnd(22)} ${url}/w3c/test`);
          }
        },
        trace(trace, origin) {
          hub?.addTrace(trace, origin);
          const who =
            origin.sentBy === 'caller'
              ? 'a request sent by hand'
              : origin.first
                ? 'A first request, fired and verified by polytrace'
                : `a request polytrace fired (${origin.scenario})`;
          print('');
          print(renderUpTrace(trace, `${who}: trace ${trace.traceId}`, { width: width(), colors }));
          if (!origin.first) return;
          print('');
          print(colors.dim(`Marks: ${marksLegend}`));
          print(
            colors.bold('Send your own (each new trace shows up below, with its verdict); Ctrl-C stops everything:'),
          );
          print(
            `  curl -s -X ${flows.order.method} ${gatewayUrl}${flows.order.path} -H 'Authorization: Bearer demo' -H 'Content-Type: application/json' -d '{"items":[{"sku":"tea","quantity":1}]}'`,
          );
          print(`  or use the live page: ${server.url}`);
        },
        unsampled(requests) {
          hub?.addUnsampled(requests);
          print('');
          print(colors.yellow(unsampledVerdict(requests)));
        },
        switching(step) {
          hub?.switching(step);
          const line = `${step.message} (${(step.elapsedMs / 1000).toFixed(1)} s)`;
          print(step.phase === 'failed' ? colors.red(`✗ ${line}`) : colors.bold(`⇄ ${line}`));
        },
      },
    );
  } finally {
    await server.close();
  }
  process.stderr.write('polytrace ▸ stopped: nothing left running\n');
  return 0;
}
