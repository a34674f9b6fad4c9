// The room's board as data: attendee × exercise, each cell not started, broken
// (at which hop) or fixed. Every value comes from an attendee's machine, so
// each is bounded here before it is kept: names (length and alphabet), the
// number of attendees, the exercises (only the catalogue's), hops (length, no
// control characters) and how often one attendee may post.
import { createHash } from 'node:crypto';
import { roomIdPattern } from './room-identity.js';
import type { AttendeeRow, ExerciseStatus, RoomState, StatusPost } from './room-protocol.js';

export const roomBounds = {
  /** A name fits a board cell read from the back of the room. */
  nameLength: 40,
  attendees: 200,
  hopLength: 120,
  /** The largest status post read, in bytes. */
  body: 4096,
  /** Posts one attendee may make in a burst, and how many the bucket regains a second. */
  burst: 10,
  perSecond: 2,
} as const;

// Letters and digits of any script, spaces and a few marks: enough for a name, nothing that reads as markup.
const nameAlphabet = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]*$/u;
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;

const nameExpected = `Expected a name of 1 to ${roomBounds.nameLength} letters, digits, spaces or . _ ' -`;

/** A name the board takes as it is. */
export const isRoomName = (name: string): boolean =>
  name.length > 0 && name.length <= roomBounds.nameLength && nameAlphabet.test(name);

/** Why a name would be refused, or nothing: what `lab start --name` checks before joining. */
export const roomNameProblem = (name: string): string | undefined =>
  isRoomName(name.trim()) ? undefined : `${nameExpected}, got "${name.slice(0, 60)}"`;

export type PostResult = { ok: true } | { ok: false; status: 400 | 429 | 507; error: string };

const refused = (status: 400 | 429 | 507, error: string): PostResult => ({ ok: false, status, error });

/** A post's body as the room keeps it, or why it is refused (a 400). */
export function parseStatusPost(body: string, exerciseIds: readonly string[]): StatusPost | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'Expected a JSON object {id, name, exercises}, got something else';
  }
  const post = parsed as Partial<Record<keyof StatusPost, unknown>> | null;
  if (typeof post !== 'object' || post === null) return 'Expected a JSON object {id, name, exercises}';
  if (typeof post.id !== 'string' || !roomIdPattern.test(post.id))
    return 'Expected an id of 32 hex digits (the one a lab keeps in its workspace)';
  const name = typeof post.name === 'string' ? post.name.trim() : '';
  if (!isRoomName(name)) return nameExpected;
  if (!Array.isArray(post.exercises) || post.exercises.length > exerciseIds.length)
    return `Expected a list of at most ${exerciseIds.length} exercises`;
  const exercises: ExerciseStatus[] = [];
  for (const item of post.exercises as unknown[]) {
    const status = item as Partial<Record<keyof ExerciseStatus, unknown>> | null;
    if (typeof status !== 'object' || status === null) return 'Expected each exercise as {exercise, state, hop}';
    if (typeof status.exercise !== 'string' || !exerciseIds.includes(status.exercise))
      return `Expected an exercise, one of ${exerciseIds.join(', ')}`;
    if (status.state !== 'broken' && status.state !== 'fixed') return 'Expected a state, broken or fixed';
    const hop = status.hop;
    if (
      hop !== undefined &&
      (typeof hop !== 'string' || hop.length > roomBounds.hopLength || controlCharacters.test(hop))
    )
      return `Expected a hop of at most ${roomBounds.hopLength} printable characters`;
    exercises.push({
      exercise: status.exercise,
      state: status.state,
      ...(status.state === 'broken' && typeof hop === 'string' && hop.length > 0 ? { hop } : {}),
    });
  }
  return { id: post.id, name, exercises };
}

/** What the board shows of an id: enough to tell rows apart, not the id an attendee posts with. */
const rowKey = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 12);

interface Attendee {
  row: AttendeeRow;
  /** Posts left in the bucket, and when it was last filled. */
  tokens: number;
  filledAt: number;
}

export class RoomBoard {
  private readonly attendees = new Map<string, Attendee>();
  /** Bumped on every change, so a board that polls can tell nothing changed. */
  version = 0;

  constructor(private readonly exercises: readonly { id: string; title: string }[]) {}

  get exerciseIds(): string[] {
    return this.exercises.map((e) => e.id);
  }

  /**
   * Takes one parsed post at time `now` (ms): a new attendee (a new id) joins, a known one's cells
   * change, and its name is the one it sent last.
   */
  apply(post: StatusPost, now: number): PostResult {
    let attendee = this.attendees.get(post.id);
    if (!attendee) {
      if (this.attendees.size >= roomBounds.attendees)
        return refused(507, `the room is full: ${roomBounds.attendees} attendees`);
      attendee = { row: { key: rowKey(post.id), name: post.name, cells: {} }, tokens: roomBounds.burst, filledAt: now };
      this.attendees.set(post.id, attendee);
    }
    attendee.tokens = Math.min(
      roomBounds.burst,
      attendee.tokens + ((now - attendee.filledAt) / 1000) * roomBounds.perSecond,
    );
    attendee.filledAt = now;
    if (attendee.tokens < 1)
      return refused(429, `Expected at most ${roomBounds.perSecond} updates a second from ${post.name}`);
    attendee.tokens -= 1;
    attendee.row.name = post.name;
    for (const { exercise, state, hop } of post.exercises) {
      attendee.row.cells[exercise] = { state, ...(hop ? { hop } : {}) };
    }
    this.version += 1;
    return { ok: true };
  }

  state(): RoomState {
    const attendees = [...this.attendees.values()]
      .map((a) => ({ key: a.row.key, name: a.row.name, cells: { ...a.row.cells } }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
    return { version: this.version, exercises: this.exercises.map(({ id, title }) => ({ id, title })), attendees };
  }
}
