// The page's elements by id, typed: the server's HTML (page-html.ts) has
// each one, so a missing one is a bug to hear about at once.
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Expected #${id} on the live page, got none`);
  return element as T;
}

/** Elements from HTML made by page-parts.ts, the same the server put into the first response. */
export function fromHtml(html: string): Element {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content.firstElementChild!;
}
