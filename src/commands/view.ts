// `polytrace view <run folder or spans.jsonl>`: a past run in the live page,
// read-only, until Ctrl-C.
import { once } from 'node:events';
import { describeFaults, hasFaults } from '../intake/intake-faults.js';
import { spansFileOf, viewRun } from '../core/view.js';
import { LiveHub } from '../live/hub.js';
import { startLiveServer } from '../live/server.js';
import { announcePage, parseUiPort, type LivePageFlags } from './live-page.js';

export async function viewCommand(path: string, flags: LivePageFlags, signal: AbortSignal): Promise<number> {
  const port = parseUiPort(flags.uiPort);
  const spansFile = await spansFileOf(path);
  // The hub keeps what the page shows (the newest traces whole, older ones as a line): the run is
  // handed to it trace by trace, so a file of any size takes the same memory.
  const hub = new LiveHub({ mode: 'view', title: `polytrace view ${spansFile}`, scenarios: [] });
  const run = await viewRun({ spansFile, onTrace: ({ trace, origin, at }) => hub.addTrace(trace, origin, at) });
  for (const requests of run.unsampled) hub.addUnsampled(requests);
  hub.drawMap();
  const server = await startLiveServer({ hub, port, actions: () => undefined, onActionError: () => {} });
  try {
    if (hasFaults(run.faults)) {
      process.stderr.write(`polytrace ▸ ⚠ skipped ${describeFaults(run.faults)}: ${run.faults.examples.join('; ')}\n`);
    }
    process.stdout.write(
      `${run.spansFile}: ${run.traces} traces, ${run.verified} verified${run.unsampled.length ? `, ${run.unsampled.length} kinds of request not sampled` : ''}\n`,
    );
    await announcePage(server, flags);
    process.stderr.write('polytrace ▸ Ctrl-C stops the page\n');
    if (!signal.aborted) await once(signal, 'abort');
  } finally {
    await server.close();
  }
  return 0;
}
