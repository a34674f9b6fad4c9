// What a component of the local chain uses, read from /proc (proc(5)): each component runs in
// its own process group, so its usage is that of every process in the group.
import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessUsage } from '../runtime.js';

/**
 * USER_HZ, the unit of utime and stime in /proc/<pid>/stat: sysconf(_SC_CLK_TCK), which Linux
 * fixes at 100 for user space on every architecture.
 */
const ticksPerSecond = 100;

interface ProcessStat {
  pgrp: number;
  cpuTicks: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function readStat(pid: string): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // proc(5) numbers from 1 with the pid: state is field 3 (index 0 here), pgrp 5, utime 14, stime 15.
    return { pgrp: Number(fields[2]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // ended between the listing and the read
  }
}

/** VmRSS and VmHWM of /proc/<pid>/status, in bytes. */
function readMemory(pid: string): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/**
 * Usage now of each named process group (component name → the pid that leads its group). The
 * peak is the sum of each member's own VmHWM: an upper bound of the group's peak, exact for a
 * group of one process, as each component of the chain is.
 */
export function processGroupUsage(groups: Record<string, number>): Record<string, ProcessUsage> {
  const usage = Object.fromEntries(
    Object.keys(groups).map((name) => [name, { rssBytes: 0, peakRssBytes: 0, cpuSeconds: 0 }]),
  ) as Record<string, ProcessUsage>;
  const byGroup = new Map(Object.entries(groups).map(([name, pid]) => [pid, usage[name]!]));
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readStat(pid);
    const total = stat && byGroup.get(stat.pgrp);
    if (!stat || !total) continue;
    const memory = readMemory(pid);
    total.rssBytes += memory.rss;
    total.peakRssBytes += memory.hwm;
    total.cpuSeconds += stat.cpuTicks / ticksPerSecond;
  }
  return usage;
}
