// The room's board script, bundled into /room.js when the CLI is built (the
// board's Content-Security-Policy allows no inline script) and type-checked
// with the live page's script (this folder's tsconfig.json). It polls the
// room's state and redraws the grid with text nodes only: every name and hop
// comes from an attendee's machine, and never reaches the page as markup.
import { roomPaths, type RoomState } from '../../labs/room-protocol.js';

/** How often the board asks for the room's state: a bounded rate, whatever the room does. */
const pollMs = 2000;
/** How long one page of attendees stays up when they do not all fit. */
const pageTurnMs = 8000;

function element<T extends HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`Expected ${selector} on the room's board, got none`);
  return found;
}

function cell(
  tag: 'td' | 'th' | 'span',
  text: string,
  { className, title }: { className?: string; title?: string } = {},
): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  if (title) el.title = title;
  return el;
}

let summaryText = '';
let pageIndex = 0;

function draw(state: RoomState): void {
  const headCells = [cell('th', 'attendee', { className: 'name' })];
  for (const e of state.exercises) {
    const th = cell('th', e.id, { className: 'exercise', title: e.title });
    const fixed = state.attendees.filter((a) => a.cells[e.id]?.state === 'fixed').length;
    th.appendChild(cell('span', `${fixed}/${state.attendees.length} fixed`, { className: 'count' }));
    headCells.push(th);
  }
  element('#board thead tr').replaceChildren(...headCells);
  const rows = state.attendees.map((a) => {
    const tr = document.createElement('tr');
    tr.dataset.attendee = a.name;
    tr.dataset.key = a.key;
    tr.appendChild(cell('td', a.name, { className: 'name' }));
    for (const e of state.exercises) {
      const c = a.cells[e.id];
      const td = !c
        ? cell('td', '·', { className: 'cell not-started', title: 'not started' })
        : c.state === 'fixed'
          ? cell('td', '✓ fixed', { className: 'cell fixed' })
          : cell('td', `✗ ${c.hop ?? 'broken'}`, { className: 'cell broken', title: `broken at ${c.hop ?? 'a hop'}` });
      td.dataset.exercise = e.id;
      td.dataset.state = c ? c.state : 'not-started';
      tr.appendChild(td);
    }
    return tr;
  });
  element('#board tbody').replaceChildren(...rows);
  element('#empty').hidden = state.attendees.length > 0;
  const fixed = state.attendees.reduce(
    (n, a) => n + Object.values(a.cells).filter((c) => c.state === 'fixed').length,
    0,
  );
  summaryText = `${state.attendees.length} attendees, ${fixed} exercises fixed`;
  paginate();
  document.body.dataset.version = String(state.version);
}

// More attendees than the window holds: the rows are shown a page at a time, turning every few
// seconds, so a projector shows everyone without anyone scrolling.
function paginate(): void {
  const rows = [...document.querySelectorAll<HTMLTableRowElement>('#board tbody tr')];
  for (const row of rows) row.hidden = false;
  const top = element('#board tbody').getBoundingClientRect().top + window.scrollY;
  const room = Math.max(1, window.innerHeight - top - 4);
  const pages: HTMLTableRowElement[][] = [[]];
  let used = 0;
  for (const row of rows) {
    const height = row.getBoundingClientRect().height;
    if (used + height > room && pages.at(-1)!.length > 0) {
      pages.push([]);
      used = 0;
    }
    pages.at(-1)!.push(row);
    used += height;
  }
  pageIndex = pageIndex % pages.length;
  pages.forEach((page, i) => page.forEach((row) => (row.hidden = i !== pageIndex)));
  document.body.dataset.page = String(pageIndex + 1);
  document.body.dataset.pages = String(pages.length);
  element('#summary').textContent = summaryText + (pages.length > 1 ? ` · page ${pageIndex + 1}/${pages.length}` : '');
}

setInterval(() => {
  pageIndex += 1;
  paginate();
}, pageTurnMs);
window.addEventListener('resize', paginate);

async function poll(): Promise<void> {
  try {
    const response = await fetch(roomPaths.state, { cache: 'no-store' });
    if (response.ok) draw((await response.json()) as RoomState);
  } catch {
    // The room stopped or the network blinked: the next poll tries again.
  }
  setTimeout(() => void poll(), pollMs);
}
void poll();
