// Top frames of a V8 .cpuprofile by self time (for the commit messages of optimisations):
// `npx tsx bench/profile-top.ts <file.cpuprofile> [n] [bucketMs]`; with bucketMs, also the busy time and top
// frame of each slice of that length (to find what runs while the extension should be idle).
// Profiles come from `npm run bench -- --cpu-prof=<dir>`.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, n = '15', bucketMs] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const self = new Map<string, number>();
const buckets = new Map<number, Map<string, number>>();
let total = 0;
prof.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = prof.timeDeltas[i] ?? 0;
  total += dt;
  if (!node) return;
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  if (bucketMs && key !== '(idle) :0') {
    const b = Math.floor(total / 1000 / Number(bucketMs));
    const m = buckets.get(b) ?? buckets.set(b, new Map()).get(b)!;
    m.set(key, (m.get(key) ?? 0) + dt);
  }
});
for (const [b, m] of [...buckets].sort((x, y) => x[0] - y[0])) {
  const busy = [...m.values()].reduce((a, v) => a + v, 0);
  const top = [...m]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} ms`);
  process.stdout.write(
    `${((b * Number(bucketMs)) / 1000).toFixed(0).padStart(5)} s  busy ${(busy / 1000).toFixed(0).padStart(5)} ms  ${top.join('; ')}\n`,
  );
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms\n`);
for (const [k, us] of rows)
  process.stdout.write(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}\n`,
  );
