// Display helpers for tree items: labels, descriptions, icons and tooltips from view-models (pure, unit-tested).
import type { ContainerVM, PodVM, ReleaseVM, Termination } from './viewModels';

export interface IconSpec {
  /** A codicon id (ThemeIcon id). */
  id: string;
  /** A theme color id, if any. */
  color?: string;
}

const OK = 'testing.iconPassed';
const ERR = 'testing.iconFailed';
const WARN = 'list.warningForeground';

/** Compact age: <1m, 3m, 5h, 2d (kubectl's steps above a minute). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  // Not seconds: a row whose text changed every second would be re-rendered every second, and VS Code drops the
  // hover of a re-rendered row (its tooltip could not be read while a release is young).
  if (s < 60) return '<1m';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Startup latency: 850 ms, 2.4 s, 1m 5s. */
export function formatLatency(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function restartText(restarts: number, last: Termination | undefined, now: number): string | undefined {
  if (restarts <= 0) return undefined;
  const why = last?.reason ?? (last?.exitCode !== undefined ? `exit ${last.exitCode}` : undefined);
  const when = last?.at !== undefined ? `${formatAge(now - last.at)} ago` : undefined;
  const detail = [why, when].filter(Boolean).join(' ');
  return `${plural(restarts, 'restart')}${detail ? ` (${detail})` : ''}`;
}

/** The pod's status word, as kubectl's STATUS column picks it. */
export function podStatus(p: PodVM): string {
  if (p.deleting) return 'Terminating';
  if (p.reason) return p.reason;
  const regular = p.containers.filter((c) => c.kind === 'regular');
  const waiting = regular.find((c) => c.state === 'waiting' && c.reason);
  if (waiting?.reason) return waiting.reason;
  const failed = regular.find((c) => c.state === 'terminated' && c.reason && c.reason !== 'Completed');
  if (failed?.reason && p.phase !== 'Succeeded') return failed.reason;
  return p.phase;
}

const BAD_STATES = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'Error',
  'Failed',
  'Evicted',
  'DeadlineExceeded',
  'InvalidImageName',
]);

export function podDescription(p: PodVM, now: number): string {
  const parts = [podStatus(p)];
  if (parts[0] === 'Running' && !p.ready) parts[0] += ' (not ready)';
  const r = restartText(p.restarts, p.lastRestart, now);
  if (r) parts.push(r);
  if (p.qos) parts.push(p.qos);
  if (p.runtimeClass) parts.push(p.runtimeClass);
  return parts.join(' · ');
}

export function podIcon(p: PodVM): IconSpec {
  const status = podStatus(p);
  if (p.deleting) return { id: 'trash', color: WARN };
  if (BAD_STATES.has(status)) return { id: 'error', color: ERR };
  if (p.phase === 'Succeeded') return { id: 'check' };
  if (p.ready) return { id: 'pass-filled', color: OK };
  if (p.phase === 'Pending') return { id: 'clock' };
  return { id: 'warning', color: WARN };
}

export function containerDescription(c: ContainerVM, now: number): string {
  const parts: string[] = [];
  if (c.kind !== 'regular') parts.push(c.kind);
  parts.push(c.ready ? 'ready' : 'not ready');
  const r = restartText(c.restarts, c.last, now);
  if (r) parts.push(r);
  const state = c.reason ?? c.state;
  parts.push(c.state === 'terminated' && c.exitCode !== undefined ? `${state} (exit ${c.exitCode})` : state);
  return parts.join(' · ');
}

export function containerIcon(c: ContainerVM): IconSpec {
  if (c.reason && BAD_STATES.has(c.reason)) return { id: 'error', color: ERR };
  if (c.ready) return { id: 'terminal', color: OK };
  if (c.state === 'terminated' && c.reason === 'Completed') return { id: 'check' };
  return { id: 'terminal', color: WARN };
}

/** Short badges shown after the ready count: what needs attention. */
export function releaseBadges(r: ReleaseVM, now: number): string[] {
  const out: string[] = [];
  if (r.failed) out.push('FAILED');
  for (const rc of r.missingRuntimeClasses) out.push(`RuntimeClass ${rc} missing`);
  const restarts = restartText(r.restarts, r.lastRestart, now);
  if (restarts) out.push(restarts);
  const qos = [...new Set(r.nonGuaranteed.map((x) => x.qos))];
  if (qos.length) out.push(`${qos.join('/')} QoS`);
  return out;
}

export function releaseDescription(r: ReleaseVM, now: number): string {
  const age = r.lastDeployedAt ?? r.firstDeployedAt;
  const parts = [
    `${r.status} r${r.revision}`,
    r.podsLoading ? 'pods loading…' : `${r.readyPods}/${r.expectedPods} ready`,
  ];
  if (age !== undefined) parts.push(formatAge(now - age));
  return [...parts, ...releaseBadges(r, now)].join(' · ');
}

export function releaseIcon(r: ReleaseVM): IconSpec {
  if (r.failed || r.missingRuntimeClasses.length) return { id: 'error', color: ERR };
  if (r.readyPods < r.expectedPods || r.nonGuaranteed.length || r.restarts > 0) return { id: 'warning', color: WARN };
  return { id: 'package', color: OK };
}

/** Escapes text for a Markdown tooltip (names and server messages are data, not markup). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

const row = (label: string, value: string | number | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : `**${label}:** ${md(String(value))}`;
const join = (rows: Array<string | undefined>): string => rows.filter(Boolean).join('  \n');
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const seconds = (v: number | undefined): string | undefined => (v === undefined ? undefined : `${v} s`);

export function releaseTooltip(r: ReleaseVM, now: number): string {
  const chart = [r.chart.name, r.chart.version].filter(Boolean).join(' ');
  const t = r.timeouts;
  const timeouts = [
    t.riskLevel ? `risk ${t.riskLevel}` : undefined,
    t.appTimeoutSeconds !== undefined ? `app ${t.appTimeoutSeconds} s` : undefined,
    t.deadlineSeconds !== undefined ? `deadline ${t.deadlineSeconds} s` : undefined,
    t.graceSeconds !== undefined ? `grace ${t.graceSeconds} s` : undefined,
  ].filter(Boolean);
  return join([
    `**${md(r.name)}**`,
    row('Status', `${r.status} (revision ${r.revision})${r.description ? ` — ${r.description}` : ''}`),
    row('Chart', chart),
    row('Namespace', r.namespace),
    row('Values file', r.valuesFile),
    row(
      'Deployed',
      r.lastDeployedAt !== undefined
        ? `${iso(r.lastDeployedAt)} (${formatAge(now - r.lastDeployedAt)} ago)`
        : undefined,
    ),
    row('Created by', r.creator),
    row('Pods', r.podsLoading ? 'loading…' : `${r.readyPods}/${r.expectedPods} ready`),
    row('Timeouts', timeouts.join(', ')),
    row(
      'Restarts',
      restartText(r.restarts, r.lastRestart, now)?.concat(
        r.lastRestart ? ` in ${r.lastRestart.pod}/${r.lastRestart.container}` : '',
      ),
    ),
    ...r.nonGuaranteed.map((x) => row('QoS', `${x.pod} is ${x.qos} (not Guaranteed)`)),
    ...r.missingRuntimeClasses.map((rc) => row('Missing RuntimeClass', `${rc}: its pods are rejected until it exists`)),
    ...r.failedCreates.map((m) => row('FailedCreate', m)),
  ]);
}

export function podTooltip(p: PodVM, now: number): string {
  return join([
    `**${md(p.name)}**`,
    row('Status', podDescription(p, now)),
    row('Service', p.service),
    row('Node', p.nodeName),
    row('IP', p.podIP),
    row('Started', p.startTime !== undefined ? `${iso(p.startTime)} (${formatAge(now - p.startTime)} ago)` : undefined),
    row(
      'Startup latency',
      p.startupMs !== undefined
        ? `${formatLatency(p.startupMs)} (created → Ready${p.runtimeClass ? `, ${p.runtimeClass}` : ''})`
        : undefined,
    ),
    row('Grace period', seconds(p.graceSeconds)),
    row('Active deadline', seconds(p.activeDeadlineSeconds)),
    row(
      'Timeouts',
      [
        p.timeouts.riskLevel && `risk ${p.timeouts.riskLevel}`,
        p.timeouts.appTimeoutSeconds !== undefined && `app ${p.timeouts.appTimeoutSeconds} s`,
        p.timeouts.deadlineSeconds !== undefined && `deadline ${p.timeouts.deadlineSeconds} s`,
      ]
        .filter(Boolean)
        .join(', '),
    ),
    row('Images', p.images.join(', ')),
    row('Conditions', p.conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ')),
  ]);
}

export function containerTooltip(c: ContainerVM, now: number): string {
  const last = c.last;
  return join([
    `**${md(c.name)}**${c.kind !== 'regular' ? ` (${c.kind})` : ''}`,
    row(
      'State',
      `${c.state}${c.reason ? `: ${c.reason}` : ''}${c.exitCode !== undefined ? ` (exit ${c.exitCode})` : ''}`,
    ),
    row('Message', c.message),
    row('Ready', c.ready ? 'yes' : 'no'),
    row('Restarts', c.restarts),
    row(
      'Last termination',
      last
        ? `${last.reason ?? 'terminated'}${last.exitCode !== undefined ? ` (exit ${last.exitCode})` : ''}${last.at !== undefined ? `, ${formatAge(now - last.at)} ago` : ''}`
        : undefined,
    ),
    row('Started', c.startedAt !== undefined ? iso(c.startedAt) : undefined),
    row('Image', c.image),
    c.kind === 'ephemeral' ? undefined : 'Click to open a terminal.',
  ]);
}
