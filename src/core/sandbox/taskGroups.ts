// Task → Sample grouping: releases inspect installed (with `inspectTaskName`) under their task, the others under
// "Installed here" per chart. Pure; the live model keeps the result indexed for lazy children.
import type { TaskNode } from './nodes';
import type { ReleaseVM } from './viewModels';

export interface TaskGroup {
  node: TaskNode;
  releases: ReleaseVM[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Groups in display order: tasks by name, then the "Installed here" groups by chart; releases by sample UUID. */
export function groupByTask(releases: readonly ReleaseVM[]): TaskGroup[] {
  const tasks = new Map<string, TaskGroup>();
  const here = new Map<string, TaskGroup>();
  for (const r of releases) {
    const task = r.task?.trim() ? r.task : undefined;
    const map = task !== undefined ? tasks : here;
    const key = task ?? r.chart.name;
    let g = map.get(key);
    if (!g)
      map.set(
        key,
        (g = {
          node: task !== undefined ? { kind: 'task', task } : { kind: 'task', chart: r.chart.name },
          releases: [],
        }),
      );
    g.releases.push(r);
  }
  const sampleKey = (r: ReleaseVM): string => r.sampleUuid || `\uffff${r.name}`;
  const sorted = (m: Map<string, TaskGroup>): TaskGroup[] =>
    [...m.entries()]
      .sort(([a], [b]) => cmp(a, b))
      .map(([, g]) => {
        g.releases.sort(
          (a, b) => cmp(sampleKey(a), sampleKey(b)) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name),
        );
        return g;
      });
  return [...sorted(tasks), ...sorted(here)];
}

/** The group label: the task name, or "Installed here" with the chart. */
export function taskLabel(n: TaskNode): string {
  if (n.task !== undefined) return n.task;
  return n.chart ? `Installed here (${n.chart})` : 'Installed here';
}
