// Drop reason lookup: number ↔ enum name ↔ the text Cilium's monitor prints.
import { DROP_REASON_ROWS } from './dropReasons';

export interface DropReason {
  readonly num: number;
  readonly name: string;
  readonly text: string;
  readonly deprecated: boolean;
}

const byNum = new Map<number, DropReason>();
const byName = new Map<string, DropReason>();
for (const [num, name, deprecated, text] of DROP_REASON_ROWS) {
  const r: DropReason = { num, name, text, deprecated };
  byNum.set(num, r);
  byName.set(name, r);
}

export function allDropReasons(): DropReason[] {
  return [...byNum.values()];
}

/** Resolves a reason from whatever the flow carries; the name wins, because newer agents may add numbers. */
export function resolveDropReason(num: number | undefined, name: string | undefined): DropReason | undefined {
  const fromName = name ? byName.get(name) : undefined;
  if (fromName) return fromName;
  if (num !== undefined && num !== 0) {
    const fromNum = byNum.get(num);
    if (fromNum) return fromNum;
    return { num, name: name || `DROP_REASON_${num}`, text: `Unknown drop reason ${num}`, deprecated: false };
  }
  if (name && name !== 'DROP_REASON_UNKNOWN') return { num: num ?? 0, name, text: name, deprecated: false };
  return undefined;
}

/** Default-deny: no allow rule matched, so a values entry can allow it. */
export const POLICY_DENIED = 'POLICY_DENIED';
/** A deny rule (denylist) matched: an allow entry cannot override it. */
export const POLICY_DENY = 'POLICY_DENY';
