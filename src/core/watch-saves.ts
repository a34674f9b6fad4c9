// The saves in a lab's workspace: a burst of changes (an editor writes a file
// in several steps) becomes one call, and calls run one at a time. chokidar
// watches each folder rather than each file: Node 20's own recursive watch
// follows a file's inode, so after an editor (or patch) replaces a file by
// renaming a new one over it, later saves of that file go unseen.
import { relative } from 'node:path';
import { watch } from 'chokidar';

/** Waits this long after a change for the next one. */
const debounceMs = 300;
// Build outputs inside the workspace (a tool run by hand there) and editors' swap files are not saves.
const ignored = /(^|\/)(node_modules|target|__pycache__|\.venv|venv|_build|\.git)(\/|$)|\.(pyc|db|log|swp)$|~$/;

/**
 * Runs `first` once the watch is on (so a save made as soon as its result shows is seen), then
 * calls `onSave` after each burst of changes under `dir` has settled, one at a time: changes made
 * while either runs make one more call once it is done. Returns when the signal aborts; throws
 * what `first` throws.
 */
export async function watchSaves({
  dir,
  signal,
  first,
  onSave,
}: {
  dir: string;
  signal: AbortSignal;
  first: () => Promise<void>;
  onSave: (savedAt: number) => Promise<void>;
}): Promise<void> {
  let lastChange: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    timer = undefined;
    if (running || lastChange === undefined) return;
    const savedAt = lastChange;
    lastChange = undefined;
    running = onSave(savedAt).finally(done);
  };
  const done = () => {
    running = undefined;
    // Saved meanwhile: once more, with what is there now.
    if (lastChange !== undefined && !signal.aborted) timer = setTimeout(run, debounceMs);
  };
  const watcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path) => ignored.test(relative(dir, path)),
  });
  watcher.on('all', () => {
    lastChange = Date.now();
    if (timer) clearTimeout(timer);
    if (!running) timer = setTimeout(run, debounceMs);
  });
  // A folder that cannot be watched any more (deleted under the lab) ends nothing: the next save is seen again.
  watcher.on('error', () => {});
  try {
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    running = first().finally(done);
    await running;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    if (timer) clearTimeout(timer);
    await watcher.close();
    // A round under way ends with the chain's teardown; its error is the abort's.
    await running?.catch(() => {});
  }
}
