// Names the chart reserves, and DNS names claimed by two services.
import type { YAMLMap } from 'yaml';
import { rangeOf, serviceMemo, type ValuesDoc } from '../document';
import { defineRule, defineServiceRule, q } from '../rule';

export const reservedName = defineServiceRule(
  {
    id: 'sandbox/reserved-name',
    severity: 'error',
    title: 'Name taken by the chart',
    why: 'Every pod has a container named after its service and a DNS sidecar named "coredns": a service called "coredns", or an init container named like either, collides and the chart rejects it.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    if (s.name === 'coredns') {
      ctx.report({
        range: rangeOf(s.key) ?? [0, 0],
        message: 'the service name "coredns" is taken by the DNS sidecar container; rename the service',
      });
    }
    vd.seq(vd.value(s.value, 'initContainers'))?.items.forEach((item) => {
      const p = vd.pair(vd.map(item), 'name');
      const n = vd.scalar(p?.value);
      if (p && (n === s.name || n === 'coredns')) {
        ctx.report({
          range: rangeOf(p.value) ?? [0, 0],
          message: `init container name "${String(n)}" is taken by a container of the pod of service ${q(s.name)}; rename it`,
        });
      }
    });
  },
  [],
);

function hasDns(vd: ValuesDoc, svc: YAMLMap | undefined): boolean {
  const truthy = (k: string): boolean => {
    const v = vd.value(svc, k);
    const seq = vd.seq(v);
    if (seq) return seq.items.length > 0;
    const sc = vd.scalar(v);
    return sc !== undefined && sc !== null && sc !== false && sc !== '' && sc !== 0;
  };
  return truthy('dnsRecord') || truthy('additionalDnsRecords') || truthy('ports');
}

export const dnsDuplicate = defineRule(
  {
    id: 'sandbox/dns-duplicate',
    severity: 'error',
    title: 'DNS name declared by two services',
    why: 'Inside the sandbox a name resolves to one service only; a service name or additionalDnsRecords entry claimed by two services is ambiguous and the chart rejects it.',
  },
  (ctx) => {
    const vd = ctx.vd;
    const owner = new Map<string, string>();
    for (const s of vd.services()) {
      const claims = serviceMemo(s, 'dns-claims', () => {
        if (!hasDns(vd, s.value)) return [];
        const out: { name: string; node: unknown }[] = [{ name: s.name, node: s.key }];
        for (const item of vd.seq(vd.value(s.value, 'additionalDnsRecords'))?.items ?? []) {
          const v = vd.scalar(item);
          if (typeof v === 'string') out.push({ name: v.toLowerCase(), node: item });
        }
        return out;
      });
      for (const c of claims) {
        const o = owner.get(c.name);
        if (o !== undefined && o !== s.name) {
          ctx.report({
            range: rangeOf(c.node) ?? [0, 0],
            message: `DNS name "${c.name}" of service ${q(s.name)} is already declared by service "${o}"; a name can resolve to one service only`,
          });
        }
        owner.set(c.name, s.name);
      }
    }
  },
);

/** StatefulSet pod names carry a revision hash: the chart keeps `<fullname>-<service>` within 52 characters. */
export const maxObjectName = 52;

export const nameLength = defineServiceRule(
  {
    id: 'sandbox/name-length',
    severity: 'error',
    title: 'Service name leaves no room for the release name',
    why: `Each service becomes a StatefulSet named "<release>-<service>" (or "<fullnameOverride>-<service>"), which must stay within ${maxObjectName} characters so its pods can be named; the chart rejects longer ones.`,
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const fo = vd.scalar(vd.value(vd.map(vd.value(vd.root, 'global')), 'fullnameOverride'));
    const prefix = typeof fo === 'string' && fo ? fo.slice(0, 63).replace(/-+$/, '') : undefined;
    const room = prefix !== undefined ? maxObjectName - prefix.length - 1 : maxObjectName - 2; // a release name has at least 1 character
    if (s.name.length <= room) return;
    ctx.report({
      range: rangeOf(s.key) ?? [0, 0],
      message:
        prefix !== undefined
          ? `"${prefix}-${s.name}" has ${prefix.length + 1 + s.name.length} characters; StatefulSet names may have at most ${maxObjectName}: shorten the service name or global.fullnameOverride`
          : `service name ${q(s.name)} has ${s.name.length} characters, leaving no room for a release name within the ${maxObjectName}-character limit of "<release>-<service>"`,
    });
  },
  ['global'],
);
