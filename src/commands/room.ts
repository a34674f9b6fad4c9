// `polytrace room`: the presenter's board of the room's labs, served until
// Ctrl-C. The board and the join endpoint are in src/live/room-server.ts.
import { isIP } from 'node:net';
import { exitCodes, UsageError } from '../common/errors.js';
import { exercises } from '../labs/catalog.js';
import { startRoomServer } from '../live/room-server.js';

const print = (text: string) => process.stdout.write(`${text}\n`);

export async function roomCommand(flags: { port: string; listen: string }, signal: AbortSignal): Promise<number> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`Expected --port as a port number (0 picks a free one), got "${flags.port}"`);
  if (isIP(flags.listen) === 0)
    throw new UsageError(`Expected --listen as an IP address of this machine, got "${flags.listen}"`);
  const room = await startRoomServer({
    port,
    listen: flags.listen,
    exercises: exercises.map(({ id, title }) => ({ id, title })),
  });
  print(`room: ${room.url}`);
  print(`attendees join with: polytrace lab start <exercise> --room '${room.url}' --name NAME`);
  if (flags.listen !== '127.0.0.1')
    print(
      `listening on ${flags.listen}: anyone on that network can load the board's script; the board and joining need the token in the URL`,
    );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await room.close();
  return exitCodes.interrupted;
}
