// agent-env 0.14's behaviour for a values file, as its documentation and ../shared/docs/agent-env-facts.md state
// it, written as the projection (projection.ts). This is the "expected" side of the differential test: it is
// derived from the documented rules only, never from our chart's output.
import { globMatch, portMatches, probeKey, probesFor, type Projection, type ServiceProjection, type Vals } from './projection';

const lower = (xs: unknown[] | undefined): string[] => (xs ?? []).map((x) => String(x).toLowerCase());
// DNS names are case-insensitive; `$FULL` (the name prefix placeholder) keeps its case.
const norm = (n: string): string => (n.startsWith('$FULL') ? `$FULL${n.slice(5).toLowerCase()}` : n.toLowerCase());

export function agentEnvProjection(values: Vals, ns: string): Projection {
  const services: Record<string, Vals> = values.services ?? {};
  const domains = lower(values.allowDomains);
  const entities = lower(values.allowEntities);
  const world = entities.includes('world') || entities.includes('all');
  // DNS rule: the namespace's services, each allowDomains pattern, "*" for world/all.
  const dnsRules = [`*.${ns}.svc.cluster.local`, ...domains, ...(world ? ['*'] : [])];
  const nets: Record<string, unknown> = values.networks ?? {};
  const hasNetworks = Object.keys(nets).length > 0;
  const target = (svc: string): string => `$FULL-${svc}.${ns}.svc.cluster.local`;
  // The sidecar rewrites each record to its Service and forwards everything else (agent-env docs, DNS).
  const rewrites = new Map<string, string>();
  for (const [svc, s] of Object.entries(services)) {
    if (!(s?.dnsRecord || s?.additionalDnsRecords?.length || s?.ports?.length)) continue;
    for (const n of [svc, `$FULL-${svc}`, ...lower(s.additionalDnsRecords)]) if (!rewrites.has(n)) rewrites.set(n, target(svc));
  }
  const probes = probesFor(values, ns);
  const out: Projection = {};
  for (const [svc, s] of Object.entries(services)) {
    const isolated = s?.networkIsolated === true;
    const resolves: Record<string, boolean> = {};
    for (const n of probes.names) {
      const q = rewrites.get(norm(n)) ?? norm(n);
      resolves[n] = !isolated && dnsRules.some((r) => globMatch(r.replace('$FULL', 'x'), q.replace('$FULL', 'x')));
    }
    const reach: Record<string, boolean> = {};
    for (const p of probes.outside) {
      let ok = false;
      if (!isolated && resolves[p.name]) {
        if (world || domains.includes('*')) ok = true;
        for (const d of domains.filter((x) => x !== '*' && globMatch(x, p.name))) {
          // Identity rules: SNI on 443, Host on 80 (case-insensitive, any :port).
          if (p.port === '443/TCP' && p.sni && globMatch(d, p.sni)) ok = true;
          if (p.port === '80/TCP' && p.host && globMatch(d, p.host.replace(/:\d+$/, ''))) ok = true;
          for (const e of values.allowDomainsPorts ?? []) {
            if (e.domain && String(e.domain).toLowerCase() !== d) continue;
            if (portMatches(`${e.port}/${String(e.protocol ?? 'ANY').toUpperCase()}`, p.port)) ok = true;
          }
        }
      }
      reach[probeKey(p)] = ok;
    }
    for (const ip of probes.ips) {
      const cidrs: string[] = (values.allowCIDR ?? []).map(String);
      for (const port of ['22/TCP', '443/TCP']) {
        reach[`ip:${ip} ${port}`] = !isolated && (world || cidrs.some((c) => c.split('/')[0] === ip));
      }
    }
    const peers: Record<string, boolean> = {};
    const myNets = lower(s?.networks);
    for (const [other, o] of Object.entries(services)) {
      if (other === svc) continue;
      const theirNets = lower(o?.networks);
      // Egress: every pod of the sandbox. Ingress: the sandbox (or a shared network), only to listed ports.
      const open = !isolated && o?.networkIsolated !== true && (!hasNetworks || myNets.some((n) => theirNets.includes(n)));
      const listed: string[] = (o?.ports ?? []).map((p: Vals) => `${p.port}/${String(p.protocol ?? 'TCP').toUpperCase()}`);
      for (const port of probes.ports) peers[`${other} ${port}`] = open && (listed.length === 0 || listed.includes(port));
      peers[`${other} icmp`] = open;
    }
    const mounts = ['/etc/resolv.conf <- configmap:resolv.conf', 'dns:/etc/coredns/Corefile <- configmap:Corefile'];
    const objectVolumes = new Map<string, Vals>();
    for (const v of s?.volumes ?? []) {
      if (typeof v === 'string') {
        const [vol, path] = v.split(':');
        mounts.push(`${path} <- pvc:${vol}`);
      } else {
        const { name, ...source } = v as Vals;
        objectVolumes.set(String(name), source);
      }
    }
    for (const m of s?.volumeMounts ?? []) mounts.push(`${m.mountPath} <- ${JSON.stringify(objectVolumes.get(m.name) ?? `missing:${m.name}`)}`);
    const hasService = !!(s?.dnsRecord || s?.additionalDnsRecords?.length || s?.ports?.length);
    const ports = [...new Set<string>((s?.ports ?? []).map((p: Vals) => `${p.port}/${String(p.protocol ?? 'TCP').toUpperCase()}`))].sort();
    const runtime = s?.runtimeClassName ?? 'gvisor';
    const view: ServiceProjection = {
      account: values.serviceAccountName === undefined || values.serviceAccountName === null || values.serviceAccountName === '' ? null : String(values.serviceAccountName),
      runtimeClass: runtime === 'CLUSTER_DEFAULT' ? null : String(runtime),
      mounts: mounts.sort(),
      servicePorts: hasService ? ports : null,
      dnsServers: isolated ? [] : ['kube-system/kube-dns', 'kube-system/node-local-dns'],
      resolves,
      reach,
      peers,
    };
    out[svc] = view;
  }
  return out;
}
