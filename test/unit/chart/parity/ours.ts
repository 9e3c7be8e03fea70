// Our chart's rendering reduced to the projection (projection.ts): lookups are played through the Corefile model
// (../corefile.ts) and the Cilium DNS rule, connections through the rendered CiliumNetworkPolicies' rules.
import { parseCorefile, resolve } from '../corefile';
import type { Obj } from '../support';
import { globMatch, portMatches, probeKey, probesFor, type Projection, type Vals } from './projection';

type Labels = Record<string, string>;

const stripK8s = (labels: Labels): Labels => Object.fromEntries(Object.entries(labels).map(([k, v]) => [k.replace(/^k8s:/, ''), v]));
const selects = (sel: Obj, labels: Labels): boolean => Object.entries(stripK8s(sel.matchLabels ?? {})).every(([k, v]) => labels[k] === v);
const hostRegex = (h: string): RegExp => (h.startsWith('(?i)') ? new RegExp(h.slice(4), 'i') : new RegExp(h));

function ipInCidr(ip: string, cidr: string): boolean {
  const [net, b] = cidr.split('/');
  if (!ip.includes('.') || !net.includes('.')) return ip === net;
  const n = (a: string): number => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(b ?? 32));
  return Math.floor(n(ip) / size) === Math.floor(n(net) / size);
}

/** Whether a rule's toPorts admit the probe (no toPorts: every port). */
function portsAdmit(toPorts: Obj[] | undefined, port: string, sni?: string, host?: string): boolean {
  if (!toPorts) return true;
  return toPorts.some((pr) => {
    if (!(pr.ports as Obj[]).some((p) => portMatches(`${p.port}/${p.protocol ?? 'ANY'}`, port))) return false;
    if (pr.serverNames) return !!sni && (pr.serverNames as string[]).some((s) => globMatch(s, sni));
    if (pr.rules?.http) return !!host && (pr.rules.http as Obj[]).some((r) => hostRegex(r.host).test(host));
    return true;
  });
}

const deniesAll = (rules: Obj[] | undefined, key: string): boolean => !!rules?.some((r) => (r[key] as string[] | undefined)?.includes('all'));

export function ourProjection(objs: Obj[], values: Vals, ns: string): Projection {
  const sts = objs.filter((o) => o.kind === 'StatefulSet' && o.metadata.labels?.['inspect/service']);
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.data?.Corefile);
  if (!cm) throw new Error('no Corefile rendered');
  const blocks = parseCorefile(cm.data.Corefile);
  const cnps = objs.filter((o) => o.kind === 'CiliumNetworkPolicy');
  const podLabels = new Map<string, Labels>();
  for (const s of sts) podLabels.set(s.metadata.labels['inspect/service'], { ...s.spec.template.metadata.labels, 'io.kubernetes.pod.namespace': ns });
  const policiesOf = (labels: Labels): Obj[] => cnps.filter((c) => selects(c.spec.endpointSelector, labels));
  const probes = probesFor(values, ns);
  const out: Projection = {};
  for (const s of sts) {
    const svc: string = s.metadata.labels['inspect/service'];
    const pod = s.spec.template.spec;
    const full: string = pod.containers[0].env.find((e: Obj) => e.name === 'AGENT_ENV').value;
    const mine = podLabels.get(svc)!;
    const pols = policiesOf(mine);
    const egress = pols.flatMap((p) => (p.spec.egress ?? []) as Obj[]);
    const isolatedOut = pols.some((p) => deniesAll(p.spec.egressDeny, 'toEntities'));
    const dnsRules = egress.filter((r) => r.toPorts?.some((pr: Obj) => pr.rules?.dns));
    const dnsAllows = (q: string): boolean =>
      dnsRules.some((r) => r.toPorts.some((pr: Obj) => (pr.rules?.dns ?? []).some((d: Obj) => (d.matchName ? d.matchName.toLowerCase() === q.replace(/\.$/, '') : globMatch(d.matchPattern, q)))));
    const resolves: Record<string, boolean> = {};
    for (const n of probes.names) {
      const a = resolve(blocks, n.replace('$FULL', full));
      resolves[n] = !isolatedOut && a.kind === 'forward' && dnsAllows(a.name);
    }
    const reach: Record<string, boolean> = {};
    for (const p of probes.outside) {
      const ok = egress.some((r) => {
        const to =
          (r.toFQDNs as Obj[] | undefined)?.some((f: Obj) => (f.matchName ? f.matchName === p.name.toLowerCase() : globMatch(f.matchPattern, p.name))) ||
          (r.toEntities as string[] | undefined)?.some((e) => e === 'world' || e === 'all');
        return !!to && portsAdmit(r.toPorts, p.port, p.sni, p.host);
      });
      reach[probeKey(p)] = !isolatedOut && resolves[p.name] && ok;
    }
    for (const ip of probes.ips) {
      for (const port of ['22/TCP', '443/TCP']) {
        const ok = egress.some((r) => {
          const to = (r.toCIDR as string[] | undefined)?.some((c) => ipInCidr(ip, c)) || (r.toEntities as string[] | undefined)?.some((e) => e === 'world' || e === 'all');
          return !!to && portsAdmit(r.toPorts, port);
        });
        reach[`ip:${ip} ${port}`] = !isolatedOut && ok;
      }
    }
    const dnsServers = isolatedOut ? [] : [...new Set<string>(dnsRules.flatMap((r) => (r.toEndpoints as Obj[]).map((e) => `${e.matchLabels['k8s:io.kubernetes.pod.namespace']}/${e.matchLabels['k8s:k8s-app']}`)))].sort();
    const peers: Record<string, boolean> = {};
    for (const [other, theirs] of podLabels) {
      if (other === svc) continue;
      const theirPols = policiesOf(theirs);
      const isolatedIn = theirPols.some((p) => deniesAll(p.spec.ingressDeny, 'fromEntities'));
      const ingress = theirPols.flatMap((p) => (p.spec.ingress ?? []) as Obj[]);
      const out1 = (port: string): boolean =>
        egress.some((r) => ((r.toEndpoints as Obj[] | undefined)?.some((e) => selects(e, theirs)) || (r.toEntities as string[] | undefined)?.some((e) => e === 'all' || e === 'cluster')) && !r.toPorts?.some((pr: Obj) => pr.rules?.dns) && portsAdmit(r.toPorts, port));
      const in1 = (port: string | 'icmp'): boolean =>
        ingress.some((r) => ((r.fromEndpoints as Obj[] | undefined)?.some((e) => selects(e, mine)) || (r.fromEntities as string[] | undefined)?.some((e) => e === 'all' || e === 'cluster')) && (port === 'icmp' ? !r.toPorts : !r.icmps && portsAdmit(r.toPorts, port)));
      for (const port of probes.ports) peers[`${other} ${port}`] = !isolatedOut && !isolatedIn && out1(port) && in1(port);
      peers[`${other} icmp`] = !isolatedOut && !isolatedIn && out1('1/ICMP') && in1('icmp');
    }
    const volumes = new Map<string, Obj>((pod.volumes ?? []).map((v: Obj) => [v.name, v]));
    const source = (m: Obj): string => {
      const v = volumes.get(m.name);
      if (!v) return `missing:${m.name}`;
      if (v.configMap) return `configmap:${m.subPath ?? v.configMap.items?.[0]?.key}`;
      if (v.persistentVolumeClaim) return `pvc:${String(v.persistentVolumeClaim.claimName).replace(`${full}-`, '')}`;
      const { name: _n, ...rest } = v;
      return JSON.stringify(rest);
    };
    const mounts = [
      ...(pod.containers[0].volumeMounts ?? []).map((m: Obj) => `${m.mountPath} <- ${source(m)}`),
      ...(pod.containers[1].volumeMounts ?? []).map((m: Obj) => `dns:${m.mountPath} <- ${source(m)}`),
    ].sort();
    const service = objs.find((o) => o.kind === 'Service' && o.spec?.selector?.['inspect/service'] === svc && o.spec.selector['app.kubernetes.io/instance'] === mine['app.kubernetes.io/instance']);
    out[svc] = {
      account: pod.serviceAccountName ?? null,
      runtimeClass: pod.runtimeClassName ?? null,
      mounts,
      servicePorts: service ? [...new Set<string>((service.spec.ports ?? []).map((p: Obj) => `${p.port}/${p.protocol}`))].sort() : null,
      dnsServers,
      resolves,
      reach,
      peers,
    };
  }
  return out;
}
