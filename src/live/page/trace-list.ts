// The list of traces, newest first: the server's first response already holds
// it; each event adds to it. The newest traces stay whole, older ones fold
// into their line (a click opens one again while the CLI keeps it), and past
// the limit they go, only counted.
import { itemHtml, maxRows, maxWhole, olderText, rowHtml } from '../page-parts.js';
import { tracePath, type Row } from '../protocol.js';
import { byId, fromHtml } from './dom.js';

const list = byId('traces');
const older = byId('older');
/** What each line says, to fold its trace into it; the HTML stays in the DOM only. */
const rows = new Map<number, Row>();

const seqOf = (node: Element) => Number((node as HTMLElement).dataset.seq);

function fold(): void {
  let whole = 0;
  for (const node of list.children) {
    if (!node.querySelector('section')) continue;
    whole += 1;
    const row = rows.get(seqOf(node));
    if (whole > maxWhole && row) node.innerHTML = rowHtml(row);
  }
  while (list.children.length > maxRows) {
    rows.delete(seqOf(list.lastElementChild!));
    list.lastElementChild!.remove();
  }
  // Every trace and note has its own seq from 1: whatever is older than the list holds was dropped.
  const dropped = list.firstElementChild ? seqOf(list.firstElementChild) - list.children.length : 0;
  older.hidden = dropped <= 0;
  older.textContent = dropped > 0 ? olderText(dropped) : '';
}

/** Adds a line, or a trace whole, in its place; one the page already shows stays as it is (false). */
export function addItem(item: Row & { html?: string }): boolean {
  const { html, ...row } = item;
  rows.set(row.seq, row);
  if (list.querySelector(`[data-seq="${row.seq}"]`)) return false;
  const olderNode = [...list.children].find((node) => seqOf(node) < row.seq) ?? null;
  list.insertBefore(fromHtml(itemHtml(row, html)), olderNode);
  fold();
  return true;
}

/** A click on an older line opens its trace again, while the CLI still keeps it whole. */
export async function expand(line: Element): Promise<void> {
  const node = line.parentElement!;
  const response = await fetch(tracePath(seqOf(node)));
  if (!response.ok) {
    line.setAttribute('title', 'no longer kept: only the newest traces are kept whole');
    return;
  }
  node.innerHTML = await response.text();
}
