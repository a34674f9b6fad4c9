// Which processes listen on a TCP port of 127.0.0.1, read from Linux's /proc:
// the socket's inode in /proc/net/tcp{,6}, then the process whose open files
// include that socket. A health endpoint that answers proves only that
// *something* listens; this proves it is the process the run started.
import { readdir, readFile, readlink } from 'node:fs/promises';

/** Inodes of sockets listening on `port` (state 0A, LISTEN). */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [, local, , state, , , , , , inode] = fields;
      if (state === '0A' && local?.endsWith(`:${hexPort}`) && inode) inodes.add(inode);
    }
  }
  return inodes;
}

/** The process group a process belongs to (field 5 of /proc/PID/stat). */
async function processGroup(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name (field 2) may hold spaces: count from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const group = Number(fields[2]);
  return Number.isInteger(group) ? group : undefined;
}

/** The groups of the processes (of this user) that hold one of these sockets open. */
async function holderGroups(inodes: Set<string>): Promise<number[]> {
  const groups: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) groups.push((await processGroup(Number(entry))) ?? -1);
    }
  }
  return groups;
}

/** Whether /proc tells who listens where (Linux): elsewhere no listener can be proved to be ours. */
export const canProveOwner = () =>
  readFile('/proc/net/tcp', 'utf8').then(
    () => true,
    () => false,
  );

/**
 * Who listens on `port`, before anything is sent there: nobody yet, only the process group `group`
 * (a child the local runtime started in its own group), or someone else, including a listener
 * whose process this user may not inspect (another user's squatter) or one shared with ours.
 */
export async function portListener(port: number, group: number): Promise<'none' | 'ours' | 'theirs'> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return 'none';
  const groups = await holderGroups(inodes);
  return groups.length > 0 && groups.every((g) => g === group) ? 'ours' : 'theirs';
}

/**
 * Whether the socket listening on `port` belongs to the process group `group` (a child the local
 * runtime started in its own group). Undefined where /proc cannot tell (not Linux, or the socket
 * belongs to a process this user may not inspect).
 */
export async function listenerInGroup(port: number, group: number): Promise<boolean | undefined> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const [holder] = await holderGroups(inodes);
  return holder === undefined ? undefined : holder === group;
}
