// The timeouts risk table (chart README): how long an app may run, the pod deadline, and the grace period a
// sandbox gets to clean up, per risk level. Shared by the linter, the chart tests and the inspector.

export const riskLevels = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof riskLevels)[number];

export interface RiskProfile {
  readonly level: RiskLevel;
  /** Expected app timeout (seconds). */
  readonly appTimeoutSeconds: number;
  /** Pod deadline (seconds): the app timeout plus room to report. */
  readonly deadlineSeconds: number;
  /** Acceptable terminationGracePeriodSeconds range (inclusive) and the chart's default. */
  readonly grace: { readonly min: number; readonly max: number; readonly default: number };
}

// The table gives no app/deadline figures for critical: it inherits high's, only the grace period is tighter.
export const riskTable: Readonly<Record<RiskLevel, RiskProfile>> = {
  low: { level: 'low', appTimeoutSeconds: 300, deadlineSeconds: 330, grace: { min: 30, max: 30, default: 30 } },
  medium: { level: 'medium', appTimeoutSeconds: 180, deadlineSeconds: 200, grace: { min: 10, max: 10, default: 10 } },
  high: { level: 'high', appTimeoutSeconds: 90, deadlineSeconds: 120, grace: { min: 3, max: 5, default: 5 } },
  critical: { level: 'critical', appTimeoutSeconds: 90, deadlineSeconds: 120, grace: { min: 1, max: 2, default: 2 } },
};

export function isRiskLevel(value: unknown): value is RiskLevel {
  return typeof value === 'string' && (riskLevels as readonly string[]).includes(value);
}

export function riskProfile(level: RiskLevel): RiskProfile {
  return riskTable[level];
}

export type TimeoutFindingKind = 'grace-zero' | 'grace-too-short' | 'grace-too-long' | 'app-not-below-deadline';

export interface TimeoutFinding {
  readonly kind: TimeoutFindingKind;
  readonly message: string;
}

export interface TimeoutSettings {
  readonly riskLevel: RiskLevel;
  readonly graceSeconds?: number;
  readonly appTimeoutSeconds?: number;
  readonly deadlineSeconds?: number;
}

/** Compares settings with the risk table; every finding says why it matters. */
export function checkTimeouts(s: TimeoutSettings): TimeoutFinding[] {
  const p = riskTable[s.riskLevel];
  const out: TimeoutFinding[] = [];
  const g = s.graceSeconds;
  if (g !== undefined) {
    const range = p.grace.min === p.grace.max ? `${p.grace.min} s` : `${p.grace.min}–${p.grace.max} s`;
    if (g === 0) {
      out.push({
        kind: 'grace-zero',
        message: `grace period 0 kills the pod at once: no cleanup and no final audit logs (${s.riskLevel} risk expects ${range})`,
      });
    } else if (g < p.grace.min) {
      out.push({
        kind: 'grace-too-short',
        message: `grace period ${g} s is shorter than the ${range} that ${s.riskLevel} risk expects: cleanup and audit logs may be cut`,
      });
    } else if (g > p.grace.max) {
      out.push({
        kind: 'grace-too-long',
        message: `grace period ${g} s is longer than the ${range} that ${s.riskLevel} risk expects: a wider window for a misbehaving agent after stop`,
      });
    }
  }
  const app = s.appTimeoutSeconds;
  const deadline = s.deadlineSeconds;
  if (app !== undefined && deadline !== undefined && app >= deadline) {
    out.push({
      kind: 'app-not-below-deadline',
      message: `app timeout ${app} s is not below the deadline ${deadline} s: the pod is killed before the app can time out and report`,
    });
  }
  return out;
}
