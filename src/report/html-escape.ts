// Text made safe to put into HTML, for every renderer of HTML: the reports,
// the live page's server, and the live page's own script in the browser.
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
