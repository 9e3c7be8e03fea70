// Grace periods and deadlines against the risk table (chart README).
import { CHART_DEFAULT_RISK } from '../../timeouts/inspect';
import { checkTimeouts, isRiskLevel, riskTable, type RiskLevel } from '../../timeouts/riskTable';
import { rangeOf } from '../document';
import { appendMapEntry, appendTopLevel, replaceNode } from '../../values/textEdits';
import { defineRule, defineServiceRule, type RuleContext, q } from '../rule';
import type { TextEdit } from '../types';

function riskLevelOf(ctx: RuleContext): RiskLevel {
  const v = ctx.vd.scalar(ctx.vd.value(ctx.vd.map(ctx.vd.value(ctx.vd.root, 'timeouts')), 'riskLevel'));
  return isRiskLevel(v) ? v : CHART_DEFAULT_RISK;
}

export const gracePeriod = defineServiceRule(
  {
    id: 'sandbox/grace-period',
    severity: 'warning',
    title: 'Grace period does not fit the risk level',
    why: 'terminationGracePeriodSeconds is how long a stopped sandbox may clean up. Too short (0 above all) cuts cleanup and audit logs; too long leaves a misbehaving agent running after the stop. The risk table gives low 30 s, medium 10 s, high 3–5 s, critical 1–2 s.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const p = vd.pair(s.value, 'terminationGracePeriodSeconds');
    const g = vd.scalar(p?.value);
    if (!p || typeof g !== 'number' || g < 0) return; // negative: the schema reports it
    const level = riskLevelOf(ctx);
    const node = vd.deref(p.value);
    const target = riskTable[level].grace.default;
    for (const f of checkTimeouts({ riskLevel: level, graceSeconds: g })) {
      const edit = node ? replaceNode(vd, node, target) : undefined;
      ctx.report({
        range: rangeOf(p) ?? [0, 0],
        message: `service ${q(s.name)}: ${f.message}`,
        fix: edit ? { title: `Use ${target} s (the ${level} risk default)`, edits: [edit] } : undefined,
      });
    }
  },
  ['timeouts'],
);

export const appTimeoutDeadline = defineRule(
  {
    id: 'sandbox/app-timeout-deadline',
    severity: 'warning',
    title: 'App timeout not below the deadline',
    why: 'The deadline ends the whole sandbox; an app timeout at or past it means the pod is killed before the app can time out, report and clean up.',
  },
  (ctx) => {
    const vd = ctx.vd;
    const tPair = vd.pair(vd.root, 'timeouts');
    const t = vd.map(tPair?.value);
    const level = riskLevelOf(ctx);
    const row = riskTable[level];
    const appPair = vd.pair(t, 'appTimeoutSeconds');
    const dlPair = vd.pair(t, 'deadlineSeconds');
    const appV = vd.scalar(appPair?.value);
    const dlV = vd.scalar(dlPair?.value);
    const app = typeof appV === 'number' ? appV : row.appTimeoutSeconds;
    const deadline = typeof dlV === 'number' ? dlV : row.deadlineSeconds;
    const [finding] = checkTimeouts({ riskLevel: level, appTimeoutSeconds: app, deadlineSeconds: deadline });
    if (!finding || (typeof appV !== 'number' && typeof dlV !== 'number')) return;
    const newDeadline = app + (row.deadlineSeconds - row.appTimeoutSeconds);
    const dlNode = vd.deref(dlPair?.value);
    let edit: TextEdit | undefined;
    if (dlPair && dlNode) edit = replaceNode(vd, dlNode, newDeadline);
    else if (t) edit = appendMapEntry(vd, t, 'deadlineSeconds', newDeadline);
    else if (!tPair) edit = appendTopLevel(vd, 'timeouts', { deadlineSeconds: newDeadline });
    ctx.report({
      range: rangeOf(typeof dlV === 'number' ? dlPair : appPair) ?? [0, 0],
      message: `${finding.message}${typeof dlV === 'number' && typeof appV === 'number' ? '' : ` (${typeof dlV === 'number' ? 'app timeout' : 'deadline'} from the ${level} risk table)`}`,
      fix: edit
        ? {
            title: `Set deadlineSeconds to ${newDeadline} (app timeout + ${row.deadlineSeconds - row.appTimeoutSeconds} s)`,
            edits: [edit],
          }
        : undefined,
    });
  },
);
