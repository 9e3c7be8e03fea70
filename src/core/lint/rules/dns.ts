// Names that end up in the CoreDNS Corefile and in network policy labels.
import { isPair, type Pair } from 'yaml';
import { keyText, rangeOf, type ValuesDoc } from '../document';
import { appendMapEntry, appendTopLevel, removeSeqItem, scalarText } from '../../values/textEdits';
import { defineRule, defineServiceRule, q } from '../rule';
import type { TextEdit } from '../types';

export const dnsRecordPattern = /^[A-Za-z0-9_.-]+$/;
export const networkNamePattern = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const dnsRecord = defineServiceRule(
  {
    id: 'sandbox/dns-record',
    severity: 'error',
    title: 'additionalDnsRecords entry with unsafe characters',
    why: 'Each additionalDnsRecords entry is written into the CoreDNS Corefile; anything beyond letters, digits, "_", "-" and "." (a newline, a space, a brace) could inject Corefile directives, so the chart rejects it.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const seq = vd.seq(vd.value(s.value, 'additionalDnsRecords'));
    seq?.items.forEach((item, i) => {
      const v = vd.scalar(item);
      if (typeof v !== 'string' || dnsRecordPattern.test(v)) return;
      const r = rangeOf(item) ?? [0, 0];
      const prefix = /^[A-Za-z0-9_.-]*/.exec(v)?.[0].replace(/\.+$/, '') ?? '';
      const edit: TextEdit | undefined = prefix
        ? { start: r[0], end: r[1], newText: scalarText(prefix) }
        : removeSeqItem(vd, seq, i);
      ctx.report({
        range: r,
        path: ['services', s.name, 'additionalDnsRecords', i],
        message: `DNS record ${JSON.stringify(v)} of service ${q(s.name)} may contain only letters, digits, "_", "-" and "." (it goes into the Corefile)`,
        fix: edit ? { title: prefix ? `Use "${prefix}"` : 'Remove this record', edits: [edit] } : undefined,
      });
    });
  },
  [],
);

function networkPairs(vd: ValuesDoc): Pair[] {
  return (vd.map(vd.value(vd.root, 'networks'))?.items ?? []).filter((p): p is Pair => isPair(p));
}

export function suggestNetworkName(name: string): string {
  const n = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 55)
    .replace(/[-.]+$/, '');
  return n || 'network';
}

export const networkName = defineRule(
  {
    id: 'sandbox/network-name',
    severity: 'error',
    title: 'Invalid network name',
    why: 'Network names become label values and policy names: lower-case letters, digits, "-" and "." only, at most 55 characters (room for the chart\'s prefix).',
  },
  (ctx) => {
    const vd = ctx.vd;
    for (const p of networkPairs(vd)) {
      const name = keyText(p);
      if (name === undefined || (networkNamePattern.test(name) && name.length <= 55)) continue;
      const r = rangeOf(p.key) ?? [0, 0];
      const fixed = suggestNetworkName(name);
      const edits: TextEdit[] = [{ start: r[0], end: r[1], newText: scalarText(fixed) }];
      for (const s of vd.services()) {
        for (const item of vd.seq(vd.value(s.value, 'networks'))?.items ?? []) {
          const ir = rangeOf(item);
          if (ir && vd.scalar(item) === name) edits.push({ start: ir[0], end: ir[1], newText: scalarText(fixed) });
        }
      }
      ctx.report({
        range: r,
        path: ['networks', name],
        message: `network name ${JSON.stringify(name)} ${name.length > 55 ? 'is longer than 55 characters' : 'may contain only lower-case letters, digits, "-" and ".", and must start and end with a letter or digit'}`,
        fix: { title: `Rename the network to "${fixed}" (and its uses)`, edits },
      });
    }
  },
);

export const networkUndeclared = defineServiceRule(
  {
    id: 'sandbox/network-undeclared',
    severity: 'error',
    title: 'Service joins a network that is not declared',
    why: 'Only networks listed under the top-level `networks:` get a policy that lets their members talk; a service naming an undeclared one would be cut off from the peers it expects, so the chart rejects it.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const netsPair = vd.pair(vd.root, 'networks');
    const nets = vd.map(netsPair?.value);
    const items = vd.seq(vd.value(s.value, 'networks'))?.items;
    if (!items?.length) return;
    const declared = new Set(networkPairs(vd).map((p) => keyText(p)));
    items.forEach((item, i) => {
      const v = vd.scalar(item);
      if (typeof v !== 'string' || declared.has(v)) return;
      let edit: TextEdit | undefined;
      if (nets) edit = appendMapEntry(vd, nets, v, {});
      else if (!netsPair) edit = appendTopLevel(vd, 'networks', { [v]: {} });
      ctx.report({
        range: rangeOf(item) ?? [0, 0],
        path: ['services', s.name, 'networks', i],
        message: `service ${q(s.name)} joins network "${v}", which is not declared under networks:`,
        fix: edit ? { title: `Declare network "${v}"`, edits: [edit] } : undefined,
      });
    });
  },
  ['networks'],
);
