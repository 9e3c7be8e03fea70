// Timeouts of a release's pods compared with the risk table: what is set, where it came from, and what is off.
import { checkTimeouts, isRiskLevel, riskTable, type RiskLevel, type RiskProfile } from './riskTable';

/** Pod annotations the chart writes (chart/templates, values.schema.json). */
export const APP_TIMEOUT_ANNOTATION = 'k8s-sandbox.dev/app-timeout-seconds';
export const DEADLINE_ANNOTATION = 'k8s-sandbox.dev/deadline-seconds';
export const RISK_LEVEL_ANNOTATION = 'k8s-sandbox.dev/risk-level';
/** What the API server defaults terminationGracePeriodSeconds to. */
export const API_DEFAULT_GRACE = 30;
export const CHART_DEFAULT_RISK: RiskLevel = 'medium';

export type Severity = 'error' | 'warning' | 'info';
export type Source = 'pod' | 'annotation' | 'values' | 'risk table' | 'API default';

export interface Finding {
  readonly field: 'grace' | 'appTimeout' | 'deadline' | 'activeDeadline';
  readonly severity: Severity;
  /** too-short: cleanup and audit logs cut; too-long: a wider attack window. */
  readonly direction: 'too-short' | 'too-long' | 'inconsistent' | 'not-enforced';
  readonly message: string;
}

export interface Valued {
  readonly value?: number;
  readonly source: Source;
}

export interface PodTimeouts {
  readonly pod: string;
  readonly node?: string;
  readonly phase?: string;
  readonly containers: readonly { readonly name: string; readonly preStop: boolean }[];
  readonly riskLevel: RiskLevel;
  readonly riskSource: Source;
  readonly grace: Valued;
  readonly activeDeadline: Valued;
  readonly appTimeout: Valued;
  readonly deadline: Valued;
  readonly expected: RiskProfile;
  readonly findings: readonly Finding[];
}

export interface TimeoutPodLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: {
    nodeName?: string;
    terminationGracePeriodSeconds?: number;
    activeDeadlineSeconds?: number;
    containers?: { name: string; lifecycle?: { preStop?: unknown } }[];
  };
  status?: { phase?: string };
}

/** The `timeouts` block of a values file (already parsed). */
export interface TimeoutValues {
  readonly riskLevel?: unknown;
  readonly appTimeoutSeconds?: unknown;
  readonly deadlineSeconds?: unknown;
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function pick(annotation: unknown, value: unknown, table: number): Valued {
  const a = positiveInt(annotation);
  if (a !== undefined) return { value: a, source: 'annotation' };
  const v = positiveInt(value);
  if (v !== undefined) return { value: v, source: 'values' };
  return { value: table, source: 'risk table' };
}

export function inspectPodTimeouts(pod: TimeoutPodLike, values: TimeoutValues = {}): PodTimeouts {
  const ann = pod.metadata?.annotations ?? {};
  let riskLevel: RiskLevel = CHART_DEFAULT_RISK;
  let riskSource: Source = 'risk table';
  if (isRiskLevel(ann[RISK_LEVEL_ANNOTATION])) {
    riskLevel = ann[RISK_LEVEL_ANNOTATION] as RiskLevel;
    riskSource = 'annotation';
  } else if (isRiskLevel(values.riskLevel)) {
    riskLevel = values.riskLevel;
    riskSource = 'values';
  }
  const expected = riskTable[riskLevel];
  const specGrace = positiveInt(pod.spec?.terminationGracePeriodSeconds);
  const grace: Valued =
    specGrace !== undefined ? { value: specGrace, source: 'pod' } : { value: API_DEFAULT_GRACE, source: 'API default' };
  const active = positiveInt(pod.spec?.activeDeadlineSeconds);
  const activeDeadline: Valued = active !== undefined ? { value: active, source: 'pod' } : { source: 'pod' };
  const appTimeout = pick(ann[APP_TIMEOUT_ANNOTATION], values.appTimeoutSeconds, expected.appTimeoutSeconds);
  const deadline = pick(ann[DEADLINE_ANNOTATION], values.deadlineSeconds, expected.deadlineSeconds);
  return {
    pod: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName,
    phase: pod.status?.phase,
    containers: (pod.spec?.containers ?? []).map((c) => ({ name: c.name, preStop: !!c.lifecycle?.preStop })),
    riskLevel,
    riskSource,
    grace,
    activeDeadline,
    appTimeout,
    deadline,
    expected,
    findings: compareTimeouts({
      riskLevel,
      grace: grace.value,
      appTimeout: appTimeout.value,
      deadline: deadline.value,
      activeDeadline: active,
    }),
  };
}

export interface TimeoutFigures {
  readonly riskLevel: RiskLevel;
  readonly grace?: number;
  readonly appTimeout?: number;
  readonly deadline?: number;
  readonly activeDeadline?: number;
}

/** Every finding says which way it is off and why that matters. */
export function compareTimeouts(t: TimeoutFigures): Finding[] {
  const p = riskTable[t.riskLevel];
  const out: Finding[] = [];
  for (const f of checkTimeouts({
    riskLevel: t.riskLevel,
    graceSeconds: t.grace,
    appTimeoutSeconds: t.appTimeout,
    deadlineSeconds: t.deadline,
  })) {
    switch (f.kind) {
      case 'grace-zero':
        out.push({ field: 'grace', severity: 'error', direction: 'too-short', message: f.message });
        break;
      case 'grace-too-short':
        out.push({ field: 'grace', severity: 'warning', direction: 'too-short', message: f.message });
        break;
      case 'grace-too-long':
        out.push({ field: 'grace', severity: 'warning', direction: 'too-long', message: f.message });
        break;
      case 'app-not-below-deadline':
        out.push({ field: 'appTimeout', severity: 'error', direction: 'inconsistent', message: f.message });
        break;
    }
  }
  const level = `${t.riskLevel} risk`;
  if (t.appTimeout !== undefined && t.appTimeout > p.appTimeoutSeconds) {
    out.push({
      field: 'appTimeout',
      severity: 'warning',
      direction: 'too-long',
      message: `app timeout ${t.appTimeout} s is longer than the ${p.appTimeoutSeconds} s of ${level}: the agent gets a wider attack window`,
    });
  }
  if (t.deadline !== undefined && t.deadline > p.deadlineSeconds) {
    out.push({
      field: 'deadline',
      severity: 'warning',
      direction: 'too-long',
      message: `deadline ${t.deadline} s is longer than the ${p.deadlineSeconds} s of ${level}: the sandbox lives longer than its risk allows (a wider attack window)`,
    });
  }
  if (t.deadline !== undefined && t.appTimeout !== undefined && t.grace !== undefined && t.appTimeout < t.deadline) {
    const room = t.deadline - t.appTimeout;
    if (room < t.grace) {
      out.push({
        field: 'deadline',
        severity: 'warning',
        direction: 'too-short',
        message: `only ${room} s between the app timeout and the deadline, less than the ${t.grace} s grace period: cleanup and audit logs may be cut`,
      });
    }
  }
  if (t.activeDeadline !== undefined) {
    if (t.activeDeadline > p.deadlineSeconds) {
      out.push({
        field: 'activeDeadline',
        severity: 'warning',
        direction: 'too-long',
        message: `activeDeadlineSeconds ${t.activeDeadline} s is longer than the ${p.deadlineSeconds} s deadline of ${level}: a wider attack window`,
      });
    } else if (t.appTimeout !== undefined && t.activeDeadline <= t.appTimeout) {
      out.push({
        field: 'activeDeadline',
        severity: 'warning',
        direction: 'too-short',
        message: `activeDeadlineSeconds ${t.activeDeadline} s ends the pod before the app timeout ${t.appTimeout} s: the app cannot time out and report, audit logs are cut`,
      });
    }
  } else if (t.deadline !== undefined) {
    out.push({
      field: 'activeDeadline',
      severity: 'info',
      direction: 'not-enforced',
      message: `no activeDeadlineSeconds on the pod: Kubernetes does not enforce the ${t.deadline} s deadline (StatefulSet pods cannot set it); the evaluation must stop the sandbox`,
    });
  }
  return out;
}

/** Parses the `timeouts` block out of values YAML already converted to JS. */
export function timeoutValues(values: unknown): TimeoutValues {
  if (typeof values !== 'object' || values === null) return {};
  const t = (values as Record<string, unknown>).timeouts;
  return typeof t === 'object' && t !== null ? (t as TimeoutValues) : {};
}
