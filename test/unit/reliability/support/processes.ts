// Processes this test process started (helm, exec'd shells of the simulated kubelet), read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

export interface Child {
  pid: number;
  argv: string[];
}

/** Live (not zombie) children of this process, optionally only those whose argv contains every `needle`. */
export function children(...needles: string[]): Child[] {
  const out: Child[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid || fields[0] === 'Z') continue;
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (needles.every((n) => argv.includes(n))) out.push({ pid: Number(d), argv });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
