// The room's board as the presenter's browser shows it: one page, its style
// and a small script that polls the room's state and redraws the grid. Sized
// for a projector (1280×720 up) and read from the back of the room: large
// type, a colour and a sign per state. Every attendee-supplied string reaches
// the page as text (textContent, or escaped here), never as markup.
import { roomPaths } from '../labs/room-protocol.js';

/** How often the board asks for the room's state: a bounded rate, whatever the room does. */
const boardPollMs = 2000;

/** How long one page of attendees stays up when they do not all fit. */
const pageTurnMs = 8000;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const style = `
  :root { color-scheme: dark; }
  body { margin: 0; font: 600 clamp(16px, 1.6vw, 34px)/1.25 system-ui, sans-serif; background: #111; color: #eee; }
  header { display: flex; justify-content: space-between; align-items: baseline; padding: 0.4em 0.8em; }
  h1 { font-size: 1.4em; margin: 0; }
  #summary { color: #bbb; }
  table { border-collapse: collapse; width: 100%; table-layout: fixed; }
  th, td { padding: 0.15em 0.4em; border-bottom: 1px solid #333; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  th { font-size: 0.8em; color: #ccc; text-align: center; white-space: normal; overflow-wrap: anywhere; }
  th.name, td.name { text-align: left; width: 14em; }
  td.cell { text-align: center; }
  td.fixed { background: #1f6f3a; color: #fff; }
  /* The hop wraps rather than losing its callee to an ellipsis. */
  td.broken { background: #8a2a2a; color: #fff; font-size: 0.7em; line-height: 1.1; white-space: normal; overflow-wrap: anywhere; }
  td.not-started { color: #777; }
  .count { display: block; font-size: 0.9em; color: #8fd19e; }
  #empty { padding: 1em; color: #aaa; }
  tr[hidden] { display: none; }
`;

/** The board's page; the grid is filled by the script from the room's state. */
export function roomPageHtml(origin: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>polytrace room</title>
<style>${style}</style>
<script src="${roomPaths.script}" defer></script>
</head>
<body>
<header><h1>polytrace room</h1><span id="summary">joining: polytrace lab start &lt;exercise&gt; --room URL --name NAME (at ${escapeHtml(origin)})</span></header>
<table id="board"><thead><tr><th class="name">attendee</th></tr></thead><tbody></tbody></table>
<p id="empty">No one has joined yet.</p>
</body>
</html>`;
}

/** The board's script: polls the state, redraws the grid with text nodes only. */
export const roomPageScript = `'use strict';
const statePath = ${JSON.stringify(roomPaths.state)};
const pollMs = ${boardPollMs};
const pageTurnMs = ${pageTurnMs};
function cell(tag, text, className, title) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  if (title) el.title = title;
  return el;
}
function draw(state) {
  const head = document.querySelector('#board thead tr');
  const body = document.querySelector('#board tbody');
  const headCells = [cell('th', 'attendee', 'name')];
  for (const e of state.exercises) {
    const th = cell('th', e.id, 'exercise', e.title);
    const fixed = state.attendees.filter((a) => a.cells[e.id] && a.cells[e.id].state === 'fixed').length;
    th.appendChild(cell('span', fixed + '/' + state.attendees.length + ' fixed', 'count'));
    headCells.push(th);
  }
  head.replaceChildren(...headCells);
  const rows = state.attendees.map((a) => {
    const tr = document.createElement('tr');
    tr.dataset.attendee = a.name;
    tr.dataset.key = a.key;
    tr.appendChild(cell('td', a.name, 'name'));
    for (const e of state.exercises) {
      const c = a.cells[e.id];
      const td = !c
        ? cell('td', '·', 'cell not-started', 'not started')
        : c.state === 'fixed'
          ? cell('td', '✓ fixed', 'cell fixed')
          : cell('td', '✗ ' + (c.hop || 'broken'), 'cell broken', 'broken at ' + (c.hop || 'a hop'));
      td.dataset.exercise = e.id;
      td.dataset.state = c ? c.state : 'not-started';
      tr.appendChild(td);
    }
    return tr;
  });
  body.replaceChildren(...rows);
  document.getElementById('empty').hidden = state.attendees.length > 0;
  const fixed = state.attendees.reduce((n, a) => n + Object.values(a.cells).filter((c) => c.state === 'fixed').length, 0);
  summaryText = state.attendees.length + ' attendees, ' + fixed + ' exercises fixed';
  paginate();
  document.body.dataset.version = String(state.version);
}
// More attendees than the window holds: the rows are shown a page at a time, turning every few
// seconds, so a projector shows everyone without anyone scrolling.
let summaryText = '';
let pageIndex = 0;
function paginate() {
  const rows = [...document.querySelectorAll('#board tbody tr')];
  for (const row of rows) row.hidden = false;
  const top = document.querySelector('#board tbody').getBoundingClientRect().top + window.scrollY;
  const room = Math.max(1, window.innerHeight - top - 4);
  const pages = [[]];
  let used = 0;
  for (const row of rows) {
    const height = row.getBoundingClientRect().height;
    if (used + height > room && pages[pages.length - 1].length > 0) {
      pages.push([]);
      used = 0;
    }
    pages[pages.length - 1].push(row);
    used += height;
  }
  pageIndex = pageIndex % pages.length;
  pages.forEach((page, i) => page.forEach((row) => (row.hidden = i !== pageIndex)));
  document.body.dataset.page = String(pageIndex + 1);
  document.body.dataset.pages = String(pages.length);
  document.getElementById('summary').textContent =
    summaryText + (pages.length > 1 ? ' · page ' + (pageIndex + 1) + '/' + pages.length : '');
}
setInterval(() => {
  pageIndex += 1;
  paginate();
}, pageTurnMs);
window.addEventListener('resize', paginate);
async function poll() {
  try {
    const response = await fetch(statePath, { cache: 'no-store' });
    if (response.ok) draw(await response.json());
  } catch (error) {
    // The room stopped or the network blinked: the next poll tries again.
  }
  setTimeout(poll, pollMs);
}
poll();
`;
