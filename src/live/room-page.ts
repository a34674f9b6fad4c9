// The room's board as the presenter's browser shows it: one page and its style;
// its script (page/room.ts, bundled into /room.js) polls the room's state and
// redraws the grid. Sized
// for a projector (1280×720 up) and read from the back of the room: large
// type, a colour and a sign per state. Every attendee-supplied string reaches
// the page as text (textContent, or escaped here), never as markup.
import { roomPaths } from '../labs/room-protocol.js';

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
