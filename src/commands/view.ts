// `polytrace view <run folder or spans.jsonl>`: a past run in the live page,
// read-only, until Ctrl-C.
import { once } from 'node:events';
import { viewRun } from '../core/view.js';
import { LiveHub } from '../live/hub.js';
import { startLiveServer } from '../live/server.js';
import { announcePage, parseUiPort, type LivePageFlags } from './live-page.js';

export async function viewCommand(path: string, flags: LivePageFlags, signal: AbortSignal): Promise<number> {
  const port = parseUiPort(flags.uiPort);
  const run = await viewRun(path);
  const hub = new LiveHub({ mode: 'view', title: `polytrace view ${run.spansFile}`, scenarios: [] });
  for (const { trace, origin, at } of run.traces) hub.addTrace(trace, origin, at);
  for (const requests of run.unsampled) hub.addUnsampled(requests);
  hub.drawMap();
  const server = await startLiveServer({ hub, port, actions: () => undefined, onActionError: () => {} });
  try {
    const verified = run.traces.filter((t) => t.trace.ok).length;
    process.stdout.write(
      `${run.spansFile}: ${run.traces.length} traces, ${verified} verified${run.unsampled.length ? `, ${run.unsampled.length} kinds of request not sampled` : ''}\n`,
    );
    await announcePage(server, flags);
    process.stderr.write('polytrace ▸ Ctrl-C stops the page\n');
    if (!signal.aborted) await once(signal, 'abort');
  } finally {
    await server.close();
  }
  return 0;
}
