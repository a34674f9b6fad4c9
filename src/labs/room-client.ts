// An attendee's lab joining the presenter's room: it posts only status (the
// exercise's id, its state, the hop it breaks at) after each verdict, never
// code. The room's URL, as the presenter hands it out, carries the token.
import { EnvironmentError, UsageError } from '../common/errors.js';
import { roomBounds, roomNameProblem } from './room-board.js';
import { roomPaths, roomTokenHeader, roomTokenQuery, type ExerciseStatus } from './room-protocol.js';

/** One post waits this long for the room: a lab never hangs on a board. */
const postTimeoutMs = 5000;

export interface RoomClient {
  /** Where the room is, without its token (for messages). */
  origin: string;
  /** Posts the statuses; true when the room took them, else why not (the lab goes on). */
  report(statuses: ExerciseStatus[]): Promise<true | string>;
}

/** The room's address and token from the URL the presenter printed. */
function parseRoomUrl(text: string): { origin: string; token: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Expected --room as the URL \`polytrace room\` printed, got "${text.slice(0, 200)}"`);
  }
  const token = url.searchParams.get(roomTokenQuery);
  if (url.protocol !== 'http:' || !token)
    throw new UsageError(`Expected --room as http://…/?${roomTokenQuery}=… (the URL \`polytrace room\` printed)`);
  return { origin: url.origin, token };
}

async function post(
  room: { origin: string; token: string },
  body: { id: string; name: string; exercises: ExerciseStatus[] },
): Promise<true | string> {
  try {
    const response = await fetch(`${room.origin}${roomPaths.status}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [roomTokenHeader]: room.token },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(postTimeoutMs),
    });
    if (response.ok) return true;
    const text = (await response.text()).slice(0, 300);
    let error = text;
    try {
      error = String((JSON.parse(text) as { error?: unknown }).error ?? text);
    } catch {
      // not JSON: the text as it came
    }
    return `the room at ${room.origin} answered ${response.status}: ${error}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return `the room at ${room.origin} cannot be reached (${why})`;
  }
}

/**
 * Joins the room as `id` (the one the workspace keeps: room-identity.ts): one post with no status.
 * A room that cannot be reached or refuses the name is an EnvironmentError.
 */
export async function joinRoom({ url, name, id }: { url: string; name: string; id: string }): Promise<RoomClient> {
  const problem = roomNameProblem(name);
  if (problem) throw new UsageError(`--name: ${problem}`);
  const room = parseRoomUrl(url);
  const joined = await post(room, { id, name: name.trim(), exercises: [] });
  if (joined !== true) throw new EnvironmentError(`Expected to join the room: ${joined}`);
  return {
    origin: room.origin,
    report: (exercises) =>
      post(room, {
        id,
        name: name.trim(),
        exercises: exercises.map((e) => (e.hop ? { ...e, hop: e.hop.slice(0, roomBounds.hopLength) } : e)),
      }),
  };
}
