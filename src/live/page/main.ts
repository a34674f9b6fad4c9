// The live page's script, bundled into /page.js when the CLI is built (the
// page's Content-Security-Policy allows no inline script). It follows the
// CLI's event stream, one handler for each event the protocol declares, and
// inserts each trace's HTML as the CLI rendered it (escaped there).
import { progressText } from '../page-parts.js';
import { eventsPath, type LiveEvent, type LiveEvents } from '../protocol.js';
import { listen, showState, showSwitchStep, traceArrived } from './controls.js';
import { byId } from './dom.js';
import { showLab } from './lab.js';
import { addItem, expand } from './trace-list.js';

const handlers: { [E in LiveEvent]: (data: LiveEvents[E]) => void } = {
  state: showState,
  progress: (line) => (byId('progress').textContent = progressText(line)),
  switch: showSwitchStep,
  map: ({ html }) => {
    if (html) byId('map').innerHTML = html;
  },
  history: ({ rows }) => rows.forEach((row) => addItem(row)),
  trace: (trace) => {
    if (addItem(trace)) traceArrived(trace);
  },
  note: (note) => void addItem(note),
  lab: showLab,
};

const link = byId('link');
const events = new EventSource(eventsPath);
events.onopen = () => {
  link.textContent = document.body.dataset.mode === 'view' ? 'connected (read-only)' : 'live';
  link.className = 'link up';
};
events.onerror = () => {
  link.textContent = 'reconnecting…';
  link.className = 'link down';
};
for (const name of Object.keys(handlers) as LiveEvent[]) {
  const handle = handlers[name] as (data: unknown) => void;
  events.addEventListener(name, (e) => handle(JSON.parse(e.data as string)));
}

listen();
document.addEventListener('click', (e) => {
  const line = (e.target as Element).closest('.item[data-kind="trace"] .row');
  if (line) void expand(line);
});
