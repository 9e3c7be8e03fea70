// Egress settings: what Cilium will let the sandbox reach.
import { isIP, isIPv4 } from 'node:net';
import type { Pair, YAMLSeq } from 'yaml';
import { rangeOf, type ValuesDoc } from '../document';
import { appendSeqItem, appendTopLevel, removeSeqItem, scalarText } from '../../values/textEdits';
import { defineRule } from '../rule';
import type { TextEdit } from '../types';
import { closest } from '../closest';

export const ciliumEntities = [
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'init',
  'health',
  'unmanaged',
  'ingress',
  'all',
  'none',
];
const openEntities = new Set(['world', 'world-ipv4', 'world-ipv6', 'all']);

const label = /^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?$/i;

/** Why a domain (allowDomains entry, possibly with `*` wildcards) is malformed, or undefined when it is fine. */
export function domainProblem(d: string): string | undefined {
  if (d === '*') return undefined;
  const name = d.startsWith('*.') ? d.slice(2) : d;
  if (!name) return 'is empty';
  if (name.endsWith('.')) return 'must not end with "."';
  if (name.length > 253) return 'is longer than 253 characters';
  if (/:\/\//.test(name) || /[/:]/.test(name)) return 'must be a bare host name (no scheme, port or path)';
  for (const l of name.split('.')) {
    if (!l) return 'has an empty label (two dots in a row, or a leading dot)';
    if (l.length > 63) return `has a label longer than 63 characters ("${l.slice(0, 20)}…")`;
    if (l.includes('*')) return 'may use "*" only as a whole "*" or a leading "*."';
    if (!label.test(l)) return `has an invalid label "${l}" (letters, digits, "_" and "-" only; no "-" at either end)`;
  }
  return undefined;
}

/** Why a CIDR is malformed, or undefined. */
export function cidrProblem(c: string): string | undefined {
  const [ip, prefix, extra] = c.split('/');
  if (extra !== undefined) return 'has more than one "/"';
  if (!isIP(ip)) return `"${ip}" is not an IPv4 or IPv6 address`;
  if (prefix === undefined) return undefined; // the chart treats a bare address as /32 or /128
  const max = isIPv4(ip) ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `prefix "/${prefix}" must be 0–${max}`;
  return undefined;
}

function strings(vd: ValuesDoc, seq: YAMLSeq | undefined): { value: string; index: number; node: unknown }[] {
  return (seq?.items ?? []).flatMap((n, index) => {
    const v = vd.scalar(n);
    return typeof v === 'string' ? [{ value: v, index, node: n }] : [];
  });
}

function rootSeq(vd: ValuesDoc, key: string): { pair?: Pair; seq?: YAMLSeq } {
  const pair = vd.pair(vd.root, key);
  return { pair, seq: vd.seq(pair?.value) };
}

export const allowDomainsPortsWeb = defineRule(
  {
    id: 'sandbox/allow-domains-ports-web',
    severity: 'error',
    title: 'allowDomainsPorts opens TCP 80/443',
    why: 'allowDomains already admits 80 and 443 with an SNI/Host check that pins each connection to an allowed name. A port rule for TCP (or ANY, the default) on 80/443 would admit any host on those ports and bypass that check; the chart rejects it.',
  },
  (ctx) => {
    const vd = ctx.vd;
    const { seq } = rootSeq(vd, 'allowDomainsPorts');
    seq?.items.forEach((item, i) => {
      const m = vd.map(item);
      const portPair = vd.pair(m, 'port');
      const port = Number(vd.scalar(portPair?.value));
      const proto = vd.scalar(vd.value(m, 'protocol'));
      const protocol = typeof proto === 'string' ? proto.toUpperCase() : 'ANY';
      if ((port !== 80 && port !== 443) || protocol === 'UDP') return;
      const edit = removeSeqItem(vd, seq, i);
      ctx.report({
        range: rangeOf(portPair) ?? rangeOf(item) ?? [0, 0],
        path: ['allowDomainsPorts', i],
        coversSubtree: true,
        message: `allowDomainsPorts entry opens ${protocol} port ${port}, which would bypass the SNI/Host check of allowDomains; list the domain in allowDomains instead, or use protocol UDP`,
        fix: edit
          ? { title: 'Remove this entry (allowDomains already covers ports 80 and 443)', edits: [edit] }
          : undefined,
      });
    });
  },
);

export const allowDomainsPortsDomain = defineRule(
  {
    id: 'sandbox/allow-domains-ports-domain',
    severity: 'error',
    title: 'allowDomainsPorts domain not in allowDomains',
    why: 'Port rules open ports to the allowDomains: one scoped to a domain only works if the sandbox DNS resolves that domain, which it does only for names in allowDomains, and one without a domain opens nothing while allowDomains is empty. The chart rejects both.',
  },
  (ctx) => {
    const vd = ctx.vd;
    const allowed = rootSeq(vd, 'allowDomains');
    const names = new Set(strings(vd, allowed.seq).map((s) => s.value.toLowerCase()));
    const hasDomains = names.size > 0;
    rootSeq(vd, 'allowDomainsPorts').seq?.items.forEach((item, i) => {
      const p = vd.pair(vd.map(item), 'domain');
      const d = vd.scalar(p?.value);
      if (!hasDomains && typeof d !== 'string') {
        ctx.report({
          range: rangeOf(vd.pair(vd.map(item), 'port') ?? item) ?? [0, 0],
          message:
            'this port is opened to the allowDomains, but allowDomains is empty: add the domains (or use allowCIDR for IP ranges)',
        });
        return;
      }
      if (!p || typeof d !== 'string' || names.has(d.toLowerCase())) return;
      let edit: TextEdit | undefined;
      if (allowed.seq) edit = appendSeqItem(vd, allowed.seq, d);
      else if (!allowed.pair) edit = appendTopLevel(vd, 'allowDomains', [d]);
      ctx.report({
        range: rangeOf(p.value) ?? [0, 0],
        path: ['allowDomainsPorts', i, 'domain'],
        message: `domain "${d}" is not listed in allowDomains, so the sandbox cannot resolve it`,
        fix: edit ? { title: `Add "${d}" to allowDomains`, edits: [edit] } : undefined,
      });
      names.add(d.toLowerCase());
    });
  },
);

export const domainFormat = defineRule(
  {
    id: 'sandbox/domain-format',
    severity: 'error',
    title: 'Malformed domain',
    why: 'allowDomains entries become DNS forwarding rules and Cilium FQDN selectors; a URL, a port or an invalid label matches nothing and the sandbox cannot reach the site.',
  },
  (ctx) => {
    const vd = ctx.vd;
    for (const s of strings(vd, rootSeq(vd, 'allowDomains').seq)) {
      const problem = domainProblem(s.value);
      if (!problem) continue;
      const bare = s.value.replace(/^[a-z]+:\/\//i, '').replace(/[/:].*$/, '');
      const r = rangeOf(s.node) ?? [0, 0];
      ctx.report({
        range: r,
        path: ['allowDomains', s.index],
        message: `allowDomains entry "${s.value}" ${problem}`,
        fix:
          bare && bare !== s.value && !domainProblem(bare)
            ? { title: `Use "${bare}"`, edits: [{ start: r[0], end: r[1], newText: scalarText(bare) }] }
            : undefined,
      });
    }
  },
);

export const cidrFormat = defineRule(
  {
    id: 'sandbox/cidr-format',
    severity: 'error',
    title: 'Malformed CIDR',
    why: 'allowCIDR entries become Cilium CIDR rules: an IPv4 or IPv6 address with an optional prefix length (/0–32 or /0–128); anything else fails at install time.',
  },
  (ctx) => {
    const vd = ctx.vd;
    for (const s of strings(vd, rootSeq(vd, 'allowCIDR').seq)) {
      const problem = cidrProblem(s.value);
      if (!problem) continue;
      const r = rangeOf(s.node) ?? [0, 0];
      const ip = s.value.split('/')[0];
      const fixed = isIP(ip) && s.value.split('/').length === 2 ? `${ip}/${isIPv4(ip) ? 32 : 128}` : undefined;
      ctx.report({
        range: r,
        path: ['allowCIDR', s.index],
        message: `allowCIDR entry "${s.value}" ${problem}`,
        fix: fixed
          ? {
              title: `Use "${fixed}" (this address only)`,
              edits: [{ start: r[0], end: r[1], newText: scalarText(fixed) }],
            }
          : undefined,
      });
    }
  },
);

export const entityUnknown = defineRule(
  {
    id: 'sandbox/entity-unknown',
    severity: 'error',
    title: 'Unknown Cilium entity',
    why: `allowEntities names Cilium entities (${ciliumEntities.join(', ')}); any other name is rejected by Cilium.`,
  },
  (ctx) => {
    const vd = ctx.vd;
    for (const s of strings(vd, rootSeq(vd, 'allowEntities').seq)) {
      if (ciliumEntities.includes(s.value)) continue;
      const r = rangeOf(s.node) ?? [0, 0];
      const guess = closest(s.value, ciliumEntities);
      ctx.report({
        range: r,
        path: ['allowEntities', s.index],
        message: `"${s.value}" is not a Cilium entity${guess ? ` (did you mean "${guess}"?)` : ''}`,
        fix: guess
          ? { title: `Use "${guess}"`, edits: [{ start: r[0], end: r[1], newText: scalarText(guess) }] }
          : undefined,
      });
    }
  },
);

export const openInternet = defineRule(
  {
    id: 'sandbox/open-internet',
    severity: 'warning',
    title: 'Sandbox can reach the whole internet',
    why: 'allowDomains "*", allowEntities world/all or allowCIDR 0.0.0.0/0 lift the egress sandbox: an agent can then download tools or exfiltrate data anywhere. Sometimes intended, never by accident.',
  },
  (ctx) => {
    const vd = ctx.vd;
    const report = (node: unknown, what: string): void =>
      ctx.report({ range: rangeOf(node) ?? [0, 0], message: `${what} lets the sandbox reach the whole internet` });
    for (const s of strings(vd, rootSeq(vd, 'allowDomains').seq))
      if (s.value === '*') report(s.node, 'allowDomains "*"');
    for (const s of strings(vd, rootSeq(vd, 'allowEntities').seq))
      if (openEntities.has(s.value)) report(s.node, `allowEntities "${s.value}"`);
    for (const s of strings(vd, rootSeq(vd, 'allowCIDR').seq))
      if (/^(0\.0\.0\.0|::)\/0$/.test(s.value)) report(s.node, `allowCIDR "${s.value}"`);
  },
);
