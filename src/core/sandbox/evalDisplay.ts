// Rows that fit a default-width sidebar (about 30 characters of description): task groups with counts, sample
// rows (short UUID + release), service rows named by `inspect/service` whose description leads with what is
// wrong. Pure and unit-tested; full facts go to Markdown-table tooltips.
import { formatAge, md, podStatus, type IconSpec } from './display';
import type { PodVM, ReleaseVM } from './viewModels';
import { warningSummary } from './warnings';

export const DESCRIPTION_BUDGET = 30;
export const LABEL_BUDGET = 60;
/** A restart this recent is worth a warning icon. */
export const RECENT_RESTART_MS = 10 * 60_000;
/** This many restarts, the last one recent: crash-looping. */
const CRASH_LOOP_RESTARTS = 3;
/** Pending longer than this is no longer "starting". */
export const SLOW_PENDING_MS = 60_000;

const ERR = 'testing.iconFailed';
const WARN = 'list.warningForeground';
const OK = 'testing.iconPassed';

/** Cuts text to n characters (code points, so non-ASCII is never split), marking the cut with "…". */
export function fit(text: string, n: number): string {
  const chars = [...text];
  return chars.length <= n ? text : `${chars.slice(0, n - 1).join('')}…`;
}

const FAILING_STATES = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'Error',
  'Failed',
  'Evicted',
  'DeadlineExceeded',
  'OOMKilled',
]);

export type RowState = 'failing' | 'warning' | 'starting' | 'ready';

/** The service row's state (what picks its icon). */
export function serviceState(p: PodVM, now: number): RowState {
  const status = podStatus(p);
  if (p.phase === 'Failed' || FAILING_STATES.has(status)) return 'failing';
  if (p.warning?.reason === 'FailedCreatePodSandBox' && !p.ready) return 'failing';
  // Crash-looping even while momentarily up: restarts keep coming.
  if (
    p.restarts >= CRASH_LOOP_RESTARTS &&
    p.lastRestart?.at !== undefined &&
    now - p.lastRestart.at < RECENT_RESTART_MS
  )
    return 'failing';
  const pendingFor = p.createdAt !== undefined ? now - p.createdAt : 0;
  if (!p.ready && p.phase === 'Pending' && pendingFor > SLOW_PENDING_MS) return 'warning';
  if (p.lastRestart?.at !== undefined && now - p.lastRestart.at < RECENT_RESTART_MS) return 'warning';
  if (p.qos && p.qos !== 'Guaranteed') return 'warning';
  if (!p.ready && p.phase !== 'Succeeded')
    return p.phase === 'Running' && pendingFor > SLOW_PENDING_MS ? 'warning' : 'starting';
  return 'ready';
}

const STATE_ICON: Record<RowState, IconSpec> = {
  failing: { id: 'error', color: ERR },
  warning: { id: 'warning', color: WARN },
  starting: { id: 'loading~spin' },
  ready: { id: 'pass-filled', color: OK },
};

export const stateIcon = (s: RowState): IconSpec => STATE_ICON[s];
const RANK: Record<RowState, number> = { ready: 0, starting: 1, warning: 2, failing: 3 };
export const worst = (states: Iterable<RowState>): RowState => {
  let w: RowState = 'ready';
  for (const s of states) if (RANK[s] > RANK[w]) w = s;
  return w;
};

export const serviceLabel = (p: PodVM): string => fit(p.service || p.name, LABEL_BUDGET);

/** What is wrong first (`↻3 OOMKilled 2m`, `Pending: no gvisor node`, `ImagePullBackOff`), then deviations. */
export function serviceDescription(p: PodVM, expectedRuntime: string | undefined, now: number): string {
  const parts: string[] = [];
  const status = podStatus(p);
  if (p.deleting) parts.push('Terminating');
  if (p.restarts > 0) {
    const last = p.lastRestart;
    const why = last?.reason ?? (last?.exitCode !== undefined ? `exit ${last.exitCode}` : '');
    parts.push(
      [`↻${p.restarts}`, why, last?.at !== undefined ? formatAge(now - last.at) : ''].filter(Boolean).join(' '),
    );
  }
  if (!p.deleting && !p.ready) {
    if (p.warning && (p.phase === 'Pending' || !parts.length)) {
      const w = warningSummary(p.warning, p.runtimeClass);
      // The container's own waiting reason is exact (ErrImagePull vs ImagePullBackOff); prefer it.
      parts.push(
        status !== 'Pending' && status !== 'Running' && status !== 'ContainerCreating' && !w.startsWith('Pending')
          ? status
          : w,
      );
    } else if (status === 'Running') parts.push('Not ready');
    else if (!parts.some((x) => x.includes(status))) parts.push(status);
  }
  if (p.qos && p.qos !== 'Guaranteed') parts.push(p.qos);
  if (p.runtimeClass !== expectedRuntime && (p.runtimeClass || expectedRuntime))
    parts.push(p.runtimeClass ?? 'default runtime');
  if (!parts.length) parts.push(p.phase === 'Running' ? 'Ready' : status);
  return fit(parts.join(' · '), DESCRIPTION_BUDGET);
}

/** Instants at which serviceState(p, now) can flip by time alone (it is constant between them). */
export function stateInstants(p: PodVM, out: number[]): void {
  if (p.lastRestart?.at !== undefined) out.push(p.lastRestart.at + RECENT_RESTART_MS);
  if (!p.ready && p.createdAt !== undefined) out.push(p.createdAt + SLOW_PENDING_MS + 1); // "longer than": >
}

function computeSampleState(r: ReleaseVM, now: number): RowState {
  if (r.failed || r.missingRuntimeClasses.length || r.failedCreates.length) return 'failing';
  const s = worst(r.pods.map((p) => serviceState(p, now)));
  if (s === 'ready' && r.readyPods < r.expectedPods) return 'starting';
  return s;
}

interface StateSpan {
  state: RowState;
  from: number;
  until: number;
}
/**
 * sampleState by view-model (immutable: a change builds a new one) and time span: the next-change search of a row
 * asks about future instants too, so a few spans are kept per sample.
 */
const spans = new WeakMap<ReleaseVM, StateSpan[]>();
const SPANS_KEPT = 3;

/** A sample (release) as one state: the worst of its services, failing when the release itself failed. */
export function sampleState(r: ReleaseVM, now: number): RowState {
  return sampleSpan(r, now).state;
}

/** sampleState with the span of time around `now` over which it holds. */
function sampleSpan(r: ReleaseVM, now: number): StateSpan {
  const known = spans.get(r);
  const hit = known?.find((x) => now >= x.from && now < x.until);
  if (hit) return hit;
  const instants: number[] = [];
  for (const p of r.pods) stateInstants(p, instants);
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  for (const x of instants) {
    if (x <= now) from = Math.max(from, x);
    else until = Math.min(until, x);
  }
  const span = { state: computeSampleState(r, now), from, until };
  const list = known ?? [];
  if (list.unshift(span) > SPANS_KEPT) list.pop();
  if (!known) spans.set(r, list);
  return span;
}

/** Sample rows: the short UUID (first block), else the release name. */
export function sampleLabel(r: ReleaseVM): string {
  const uuid = r.sampleUuid?.trim();
  if (!uuid) return r.name;
  return [...(uuid.split('-')[0] || uuid)].slice(0, 8).join('');
}

export function sampleDescription(r: ReleaseVM): string {
  const parts = [r.sampleUuid?.trim() ? r.name : r.status, `${r.readyPods}/${r.expectedPods} ready`];
  return fit(parts.join(' · '), DESCRIPTION_BUDGET);
}

export interface GroupCounts {
  ready: number;
  failing: number;
  pending: number;
  worst: RowState;
}

export function groupCounts(releases: readonly ReleaseVM[], now: number): GroupCounts {
  return new GroupTally(releases, now).counts;
}

/**
 * A task row's counts kept up to date one sample at a time: a change of one sample among thousands costs two
 * lookups, not a recount of the group. Valid while time stays inside every counted sample's state span.
 */
export class GroupTally {
  private readonly byCategory = { ready: 0, failing: 0, pending: 0 };
  private readonly byState: Record<RowState, number> = { ready: 0, starting: 0, warning: 0, failing: 0 };
  private from = Number.NEGATIVE_INFINITY;
  private until = Number.POSITIVE_INFINITY;

  constructor(releases: readonly ReleaseVM[], now: number) {
    for (const r of releases) this.count(r, now, 1);
  }

  /** Swap one sample's view-model for its successor; false when the clock left the span (recount instead). */
  replace(old: ReleaseVM, next: ReleaseVM, now: number): boolean {
    if (now < this.from || now >= this.until) return false;
    this.count(old, now, -1);
    this.count(next, now, 1);
    return true;
  }

  get counts(): GroupCounts {
    const states = (Object.keys(this.byState) as RowState[]).filter((s) => this.byState[s] > 0);
    return { ...this.byCategory, worst: worst(states) };
  }

  private count(r: ReleaseVM, now: number, sign: 1 | -1): void {
    const span = sampleSpan(r, now);
    if (sign > 0) {
      this.from = Math.max(this.from, span.from);
      this.until = Math.min(this.until, span.until);
    }
    const s = span.state;
    this.byState[s] += sign;
    if (s === 'failing') this.byCategory.failing += sign;
    else if (s === 'ready' || (s === 'warning' && r.readyPods >= r.expectedPods)) this.byCategory.ready += sign;
    else this.byCategory.pending += sign;
  }
}

/** `12 ready · 2 failing · 1 pending` (zero counts left out, except a lone "0 ready"). */
export function countsText(c: GroupCounts): string {
  const parts = [
    c.ready || (!c.failing && !c.pending) ? `${c.ready} ready` : '',
    c.failing ? `${c.failing} failing` : '',
    c.pending ? `${c.pending} pending` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

const cell = (v: string | number | undefined): string => md(String(v ?? '')).replace(/\n/g, ' ');
export function table(rows: Array<[string, string | number | undefined]>): string {
  const kept = rows.filter(([, v]) => v !== undefined && v !== '');
  return ['| | |', '|---|---|', ...kept.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)].join('\n');
}

export function taskTooltip(task: string | undefined, c: GroupCounts, count: number): string {
  return [
    `**${md(task ?? 'Installed here')}**`,
    '',
    table([
      ['Samples', count],
      ['Ready', c.ready],
      ['Failing', c.failing],
      ['Pending', c.pending],
    ]),
  ].join('\n');
}

export function sampleTooltip(r: ReleaseVM, now: number): string {
  return [
    `**${md(r.sampleUuid || r.name)}**`,
    '',
    table([
      ['Sample UUID', r.sampleUuid],
      ['Task', r.task],
      ['Release', r.name],
      ['Namespace', r.namespace],
      ['Status', `${r.status} (revision ${r.revision})`],
      ['Chart', [r.chart.name, r.chart.version].filter(Boolean).join(' ')],
      ['Pods ready', `${r.readyPods}/${r.expectedPods}`],
      ['Runtime class', r.runtimeClass],
      ['Created by', r.creator],
      ['Deployed', r.lastDeployedAt !== undefined ? `${formatAge(now - r.lastDeployedAt)} ago` : undefined],
      ['Missing RuntimeClass', r.missingRuntimeClasses.join(', ')],
      ['FailedCreate', r.failedCreates.join('; ')],
    ]),
  ].join('\n');
}

export function serviceTooltip(p: PodVM, now: number): string {
  const w = p.warning;
  return [
    `**${md(p.service || p.name)}**`,
    '',
    table([
      ['Pod', p.name],
      ['Service', p.service],
      ['Status', podStatus(p)],
      ['Ready', p.ready ? 'yes' : 'no'],
      ['Restarts', p.restarts || undefined],
      [
        'Last restart',
        p.lastRestart
          ? `${p.lastRestart.reason ?? ''} exit ${p.lastRestart.exitCode ?? '?'}${p.lastRestart.at !== undefined ? `, ${formatAge(now - p.lastRestart.at)} ago` : ''}`
          : undefined,
      ],
      ['QoS', p.qos],
      ['Runtime class', p.runtimeClass],
      ['Node', p.nodeName],
      ['IP', p.podIP],
      ['Images', p.images.join(', ')],
      [
        'Warning',
        w
          ? `${w.reason}${w.count > 1 ? ` (x${w.count})` : ''}${w.at !== undefined ? `, ${formatAge(now - w.at)} ago` : ''}`
          : undefined,
      ],
      ['Message', w?.message],
      ...p.containers
        .filter((c) => c.reason)
        .map((c): [string, string] => [`Container ${c.name}`, `${c.reason}${c.message ? `: ${c.message}` : ''}`]),
    ]),
  ].join('\n');
}
