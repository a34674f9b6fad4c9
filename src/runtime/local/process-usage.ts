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

/** VmRSS of /proc/<pid>/status: resident memory now, in bytes. */
function readRss(pid: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Usage now of each named process group (component name → the pid that leads its group). */
export function processGroupUsage(groups: Record<string, number>): Record<string, ProcessUsage> {
  const usage: Record<string, ProcessUsage> = {};
  const byGroup = new Map<number, ProcessUsage>();
  for (const [name, pid] of Object.entries(groups)) {
    usage[name] = { rssBytes: 0, cpuSeconds: 0 };
    byGroup.set(pid, usage[name]);
  }
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readStat(pid);
    const total = stat && byGroup.get(stat.pgrp);
    if (!stat || !total) continue;
    total.rssBytes += readRss(pid);
    total.cpuSeconds += stat.cpuTicks / ticksPerSecond;
  }
  return usage;
}
