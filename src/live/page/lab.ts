// The lab view on the page: drawn anew from each `lab` event with the same
// HTML the server's first response holds (lab-parts.ts, escaped there).
import { labHtml } from '../lab-parts.js';
import type { LabView } from '../protocol.js';
import { refreshButtons } from './controls.js';

export function showLab(view: LabView): void {
  const section = document.getElementById('lab');
  if (!section) return;
  section.innerHTML = labHtml(view);
  refreshButtons();
}
