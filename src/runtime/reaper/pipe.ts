// The reaper's side of the pipe (see reaper.ts): resolves when polytrace has
// ended, however it ended.
export async function untilPolytraceEnds(): Promise<void> {
  // The CLI's terminal going away must not take the reaper with it before it has cleaned up.
  for (const signal of ['SIGHUP', 'SIGINT'] as const) process.on(signal, () => {});
  process.stdin.resume();
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.on('error', () => resolve());
  });
}
