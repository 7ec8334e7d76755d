/**
 * CPU time from /proc (Linux), for benchmarks that ask where a machine's cores went: the whole
 * machine's, and a process tree's (a server, a worker with its runs' processes and their verifiers).
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on Linux. */
const TICKS_PER_SECOND = 100;

/** CPU seconds every core of the machine has spent busy (user, nice, system, irq, softirq, steal) since boot. */
export function machineCpuSeconds(): number {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/**
 * CPU seconds (user + system) of a process and every descendant: its own threads, the children it
 * has reaped (cutime, cstime), and each live descendant's the same way. 0 for a process that is gone.
 */
export function processTreeCpuSeconds(pid: number): number {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== null) stats.set(Number(entry), stat);
  }
  let ticks = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop() as number;
    ticks += stats.get(current)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.parent === current) pending.push(child);
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds (user + system) of one process's own threads, not its children's: 0 for a process that is gone. */
export function processOwnCpuSeconds(pid: number): number {
  return (readStat(pid)?.ownTicks ?? 0) / TICKS_PER_SECOND;
}

/** /proc/<pid>/stat: after the command's closing parenthesis, ppid is field 1, utime to cstime fields 11-14. */
function readStat(pid: number): { parent: number; ticks: number; ownTicks: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // ended since the folder was listed
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ownTicks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  const ticks = ownTicks + Number(fields[13] ?? 0) + Number(fields[14] ?? 0);
  return { parent: Number(fields[1]), ticks, ownTicks };
}
