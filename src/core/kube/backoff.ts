// Capped exponential backoff with jitter, for restarting watches after errors (client-node 1.x informers stop).

export interface BackoffPolicy {
  /** First delay (ms). */
  initialMs: number;
  /** Upper bound (ms). */
  maxMs: number;
  /** Fraction of the delay randomised either way (0.2: ±20 %), so many clients do not retry in lockstep. */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based). `random` returns [0, 1) (injectable for tests). */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exp = policy.initialMs * 2 ** Math.min(Math.max(attempt, 0), 30);
  const capped = Math.min(exp, policy.maxMs);
  const spread = capped * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(capped + spread, policy.maxMs)));
}
