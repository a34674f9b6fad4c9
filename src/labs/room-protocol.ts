// What an attendee's lab sends to the presenter's room, declared once for the
// room's server and the join client: only status (an exercise's id, its state,
// the hop it breaks at), never code. The token travels in the URL the
// presenter hands out; the client sends it back in a header.

/** Where the lab posts its status; the board reads the room's state from `statePath`. */
export const roomPaths = { status: '/status', state: '/state', script: '/room.js' } as const;

/** The header that carries the room's token on a status post. */
export const roomTokenHeader = 'x-polytrace-room-token';

/** The query parameter of the presenter's URL that carries the token. */
export const roomTokenQuery = 'token';

type CellState = 'broken' | 'fixed';

/** One exercise's state as the attendee's lab last saw it. */
export interface ExerciseStatus {
  exercise: string;
  state: CellState;
  /** The hop the verdict names, while broken. */
  hop?: string;
}

/** One post: who, and the exercises whose state changed (none: just joining). */
export interface StatusPost {
  /** The id the attendee's lab made and keeps in its workspace: two attendees of one name are two rows. */
  id: string;
  name: string;
  exercises: ExerciseStatus[];
}

/** One attendee's row on the board. */
export interface AttendeeRow {
  /** Tells rows apart (a digest of the attendee's id: the id itself is not handed to every board). */
  key: string;
  name: string;
  cells: Record<string, { state: CellState; hop?: string }>;
}

/** What the board shows: the exercises as columns, the attendees as rows (sorted by name, then key). */
export interface RoomState {
  /** Bumped on every change the room takes. */
  version: number;
  exercises: { id: string; title: string }[];
  attendees: AttendeeRow[];
}
