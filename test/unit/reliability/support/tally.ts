// Counts of what the reliability suite injected and what was lost, printed once at the end of the run: the
// numbers behind the README's Reliability table come from here.

export interface TallyRow {
  /** How many times the fault was injected. */
  injected: number;
  /** Checks of model == server (or of "nothing left behind") that followed. */
  checks: number;
  /** Items lost, duplicated or left behind (a failing check fails its test; this stays 0 in a passing run). */
  lost: number;
  note?: string;
}

const rows = new Map<string, TallyRow>();

export function tally(fault: string, add: Partial<TallyRow>): void {
  const r = rows.get(fault) ?? { injected: 0, checks: 0, lost: 0 };
  r.injected += add.injected ?? 0;
  r.checks += add.checks ?? 0;
  r.lost += add.lost ?? 0;
  if (add.note) r.note = add.note;
  rows.set(fault, r);
}

export function tallyTable(): string {
  const lines = ['| Fault | Injected | Checks | Lost |', '|---|---:|---:|---:|'];
  for (const [k, r] of rows)
    lines.push(`| ${k}${r.note ? ` (${r.note})` : ''} | ${r.injected} | ${r.checks} | ${r.lost} |`);
  return lines.join('\n');
}

// A root-level hook (registered once, when the first reliability file loads): prints the table after the run.
after(function () {
  if (rows.size) console.log(`\nReliability suite: faults injected and what was lost\n${tallyTable()}\n`);
});
