// Find in the Sandboxes view: one flat list over tasks, samples (UUID), releases and services, for a quick pick;
// and the owners of a task's releases for the Tear Down Task confirmation. Pure.
import type { SandboxNode, TaskNode } from './nodes';
import { taskLabel, type TaskGroup } from './taskGroups';
import type { ReleaseVM } from './viewModels';

export interface FindEntry {
  label: string;
  description: string;
  kind: 'task' | 'sample' | 'service';
  node: TaskNode | SandboxNode;
}

export function findEntries(groups: readonly TaskGroup[]): FindEntry[] {
  const out: FindEntry[] = [];
  for (const g of groups) {
    const task = taskLabel(g.node);
    out.push({
      label: task,
      description: `task · ${g.releases.length} sample${g.releases.length === 1 ? '' : 's'}`,
      kind: 'task',
      node: g.node,
    });
    for (const r of g.releases) {
      out.push({
        label: r.sampleUuid || r.name,
        description: `${r.sampleUuid ? `release ${r.name} · ` : ''}${task}`,
        kind: 'sample',
        node: r.node,
      });
      for (const p of r.pods)
        out.push({
          label: p.service || p.name,
          description: `service of ${r.name} · ${r.sampleUuid || task}`,
          kind: 'service',
          node: p.node,
        });
    }
  }
  return out;
}

/** Labels helm and our chart set on every release record: not worth listing as "owner". */
const HELM_LABELS = new Set(['owner', 'name', 'status', 'version', 'modifiedAt']);

/** Who a release belongs to: the creator label when set, else the release record's own labels. */
export function ownerText(r: ReleaseVM): string {
  if (r.creator) return r.creator;
  const rest = Object.entries(r.recordLabels ?? {}).filter(([k]) => !HELM_LABELS.has(k));
  return rest.length ? rest.map(([k, v]) => `${k}=${v}`).join(', ') : 'unknown owner';
}
