// Who an attendee is to the room: an id the lab makes once and keeps in the
// workspace, so two attendees who give the same --name keep rows of their own,
// and one attendee's `lab start` and `lab status` land on the same row. The
// name is what the board shows; the id is never shown whole.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** 128 random bits, in hex: what a lab makes, and all the room takes as an id. */
export const roomIdPattern = /^[0-9a-f]{32}$/;

const idFile = (workspace: string) => join(resolve(workspace), 'polytrace-room-id');

export const newRoomId = () => randomBytes(16).toString('hex');

/** The file is the attendee's, and may hold anything: only its first bytes are read. */
async function keptId(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const id = buffer.subarray(0, bytesRead).toString('utf8').trim();
    return roomIdPattern.test(id) ? id : undefined;
  } finally {
    await file.close();
  }
}

/**
 * The workspace's id for the room, and `keep`, which writes a new one into the workspace: called
 * once the room took it, so a room that cannot be reached leaves no file behind.
 */
export async function roomIdentity(workspace: string): Promise<{ id: string; keep(): Promise<void> }> {
  const path = idFile(workspace);
  const kept = await keptId(path);
  if (kept) return { id: kept, keep: async () => {} };
  const id = newRoomId();
  return {
    id,
    keep: async () => {
      await mkdir(resolve(workspace), { recursive: true });
      await writeFile(`${path}.tmp`, `${id}\n`);
      await rename(`${path}.tmp`, path);
    },
  };
}
