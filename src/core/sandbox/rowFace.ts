// What a tree row shows besides its label (description and icon), and the next moment the clock alone changes it
// ("↻3 OOMKilled 2m" turning "3m", a restart leaving the 10-minute warning window, a pod pending past 60 s). The
// tree refreshes a row at that moment instead of re-rendering everything on an interval. Tooltips are left out:
// they are read on hover and carry absolute times next to the relative ones.
import { containerDescription, containerIcon, releaseDescription, releaseIcon, type IconSpec } from './display';
import {
  countsText,
  groupCounts,
  type GroupCounts,
  sampleDescription,
  sampleState,
  serviceDescription,
  serviceState,
  stateIcon,
  stateInstants,
} from './evalDisplay';
import type { SandboxModel } from './liveModel';
import type { TreeNode } from './nodes';
import type { ContainerVM, PodVM, ReleaseVM } from './viewModels';

/** What a row needs besides its own view-model. */
export interface RowContext {
  /** Sample rows (task grouping) or release rows (flat list). */
  samples: boolean;
  /** The releases of a task group. */
  taskReleases?: readonly ReleaseVM[];
  /** The release a pod belongs to (its expected runtime class). */
  release?: ReleaseVM;
}

export interface RowFace {
  description?: string;
  icon?: IconSpec;
  /** Task rows: the counts their description and tooltip show. */
  counts?: GroupCounts;
}

type VM = ReleaseVM | PodVM | ContainerVM | undefined;

/** The context of a row, read from the model the tree shows. */
export function rowContext(
  model: Pick<SandboxModel, 'grouping' | 'taskReleases' | 'release'>,
  node: TreeNode,
): RowContext {
  return {
    samples: model.grouping === 'tasks',
    taskReleases: node.kind === 'task' ? model.taskReleases(node) : undefined,
    release: node.kind === 'pod' ? model.release(node.namespace, node.release) : undefined,
  };
}

/** Sample rows: inspect's samples read as samples; other releases keep their release row. */
export const isSampleRow = (r: ReleaseVM | undefined, ctx: RowContext): boolean =>
  ctx.samples && !!r?.sampleUuid?.trim();

export function rowFace(node: TreeNode, vm: VM, now: number, ctx: RowContext): RowFace {
  switch (node.kind) {
    case 'task': {
      const c = groupCounts(ctx.taskReleases ?? [], now);
      const icon = c.worst === 'ready' ? { id: 'beaker', color: 'testing.iconPassed' } : stateIcon(c.worst);
      return { description: countsText(c), icon, counts: c };
    }
    case 'release': {
      const r = vm as ReleaseVM | undefined;
      if (!r) return {};
      if (r.podsLoading) return { description: releaseDescription(r, now), icon: { id: 'loading~spin' } };
      if (isSampleRow(r, ctx)) return { description: sampleDescription(r), icon: stateIcon(sampleState(r, now)) };
      return { description: releaseDescription(r, now), icon: releaseIcon(r) };
    }
    case 'pod': {
      const p = vm as PodVM | undefined;
      if (!p) return {};
      return {
        description: serviceDescription(p, ctx.release?.runtimeClass, now),
        icon: stateIcon(serviceState(p, now)),
      };
    }
    case 'container': {
      const c = vm as ContainerVM | undefined;
      return c ? { description: containerDescription(c, now), icon: containerIcon(c) } : {};
    }
    default:
      return {};
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The first moment after `now` at which formatAge(t - at) reads differently (<1m → 1m, 2m → 3m, 5h → 6h). */
export function nextAgeTick(at: number, now: number): number {
  const e = Math.max(0, now - at);
  const step = e < HOUR ? MINUTE : e < 48 * HOUR ? HOUR : DAY;
  return at + (Math.floor(e / step) + 1) * step;
}

/** The earliest instant after `t` at which something this row shows may change (undefined: never by time). */
function nextInstant(node: TreeNode, vm: VM, t: number, ctx: RowContext): number | undefined {
  const fixed: number[] = [];
  const ticks: number[] = []; // timestamps shown as an age
  switch (node.kind) {
    case 'task':
      for (const r of ctx.taskReleases ?? []) for (const p of r.pods) stateInstants(p, fixed);
      break;
    case 'release': {
      const r = vm as ReleaseVM | undefined;
      if (!r) break;
      if (isSampleRow(r, ctx)) for (const p of r.pods) stateInstants(p, fixed);
      else {
        const deployed = r.lastDeployedAt ?? r.firstDeployedAt;
        if (deployed !== undefined) ticks.push(deployed);
        if (r.restarts > 0 && r.lastRestart?.at !== undefined) ticks.push(r.lastRestart.at);
      }
      break;
    }
    case 'pod': {
      const p = vm as PodVM | undefined;
      if (!p) break;
      stateInstants(p, fixed);
      if (p.restarts > 0 && p.lastRestart?.at !== undefined) ticks.push(p.lastRestart.at);
      break;
    }
    case 'container': {
      const c = vm as ContainerVM | undefined;
      if (c && c.restarts > 0 && c.last?.at !== undefined) ticks.push(c.last.at);
      break;
    }
  }
  let next: number | undefined;
  for (const x of fixed) if (x > t && (next === undefined || x < next)) next = x;
  for (const at of ticks) {
    const x = nextAgeTick(at, t);
    if (next === undefined || x < next) next = x;
  }
  return next;
}

const faceKey = (f: RowFace): string => `${f.description ?? ''}\u0000${f.icon?.id ?? ''}\u0000${f.icon?.color ?? ''}`;
/** How many candidate instants are tried before settling for a refresh that may change nothing. */
const MAX_STEPS = 8;

/**
 * When the row rendered at `now` next looks different by the passage of time alone (undefined: never). Exact for
 * the common rows; after MAX_STEPS candidate instants that change nothing it answers the last one (a harmless
 * early refresh, which schedules again).
 */
export function nextRowChange(node: TreeNode, vm: VM, now: number, ctx: RowContext): number | undefined {
  let base: string | undefined; // rendered only for rows with a candidate instant (most rows have none)
  let t = now;
  for (let i = 0; i < MAX_STEPS; i++) {
    const next = nextInstant(node, vm, t, ctx);
    if (next === undefined) return undefined;
    base ??= faceKey(rowFace(node, vm, now, ctx));
    if (faceKey(rowFace(node, vm, next, ctx)) !== base) return next;
    t = next;
  }
  return t;
}
