// Templated additionalResources: `include`/`template` calls must name a helper the chart defines, or the whole
// render fails. Found here at its own line, without running helm.
import { rangeOf } from '../document';
import { defineRule } from '../rule';
import { closest } from '../closest';

/** The named templates of chart/templates/_helpers.tpl (a chart test keeps this list equal to the file). */
export const chartHelpers = [
  'agentEnv.chart',
  'agentEnv.fullname',
  'agentEnv.labels',
  'agentEnv.labelsFromValues',
  'agentEnv.name',
  'agentEnv.networkPolicyHookAnnotations',
  'agentEnv.selectorLabels',
  'agentEnv.servicePortsListFor',
  'sandbox.allowDomains',
  'sandbox.annotations',
  'sandbox.dnsRecords',
  'sandbox.dnsTarget',
  'sandbox.env',
  'sandbox.fullname',
  'sandbox.grace',
  'sandbox.hasDns',
  'sandbox.labels',
  'sandbox.metaAnnotations',
  'sandbox.name',
  'sandbox.parseVolumeString',
  'sandbox.ports',
  'sandbox.resolvesAll',
  'sandbox.selectorLabels',
  'sandbox.str',
  'sandbox.stringList',
  'sandbox.timeouts',
  'shouldCreateDnsRecord',
];

const call = /\b(include|template)\s+"([^"]*)"/g;

export const unknownHelper = defineRule(
  {
    id: 'sandbox/unknown-helper',
    severity: 'error',
    title: 'Unknown named template in additionalResources',
    why: 'String entries of additionalResources go through Helm\'s `tpl`; an `include` or `template` of a name the chart does not define stops the whole render ("no template ... associated"). The chart defines agent-env\'s agentEnv.* helpers and its own sandbox.* ones.',
  },
  (ctx) => {
    const vd = ctx.vd;
    const seq = vd.seq(vd.value(vd.root, 'additionalResources'));
    seq?.items.forEach((item, i) => {
      const text = vd.scalar(item);
      const r = rangeOf(item);
      if (typeof text !== 'string' || !r) return;
      // Search the source text of the item, so the finding lands on the line that calls the helper.
      const source = vd.text.slice(r[0], r[1]);
      for (const m of source.matchAll(call)) {
        const name = m[2].replace(/\\"/g, '"');
        if (chartHelpers.includes(name)) continue;
        const start = r[0] + (m.index ?? 0);
        const guess = closest(name, chartHelpers);
        ctx.report({
          range: [start, start + m[0].length],
          path: ['additionalResources', i],
          message: `${m[1]} "${name}": the chart defines no such template, so the render fails${guess ? ` (did you mean "${guess}"?)` : ''}`,
          fix: guess
            ? {
                title: `Use "${guess}"`,
                edits: [{ start: start + m[0].length - m[2].length - 1, end: start + m[0].length - 1, newText: guess }],
              }
            : undefined,
        });
      }
    });
  },
);
