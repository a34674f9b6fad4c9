// If polytrace exits without its teardown having run (an uncaught error, a
// second Ctrl-C), the processes it started must still not outlive it.
import type { ManagedProcess } from './managed-process.js';

const live = new Set<ManagedProcess>();
let installed = false;

export function trackForExit(child: ManagedProcess): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const process of live) process.killNow();
    });
  }
  live.add(child);
  return () => live.delete(child);
}
