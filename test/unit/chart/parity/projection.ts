// The semantic projection both sides of the differential test are reduced to: per service, which names
// resolve, which outside destinations and which other services (ports) it reaches, which ports its Service
// opens, its account, runtime class and mounts. Object names never appear: the chart's name prefix is
// written `$FULL`.

export interface Probe {
  /** The name looked up / connected to (`$FULL` stands for the chart's name prefix, i.e. $AGENT_ENV). */
  readonly name: string;
  /** "<port>/<proto>" */
  readonly port: string;
  /** TLS SNI (443) or HTTP Host header (80) the client sends; other ports send neither. */
  readonly sni?: string;
  readonly host?: string;
}

export interface ServiceProjection {
  readonly account: string | null;
  readonly runtimeClass: string | null;
  /** "<mountPath> <- <source>" of the service container and, prefixed "dns:", of the DNS sidecar. */
  readonly mounts: string[];
  /** Ports of the service's Service, "<port>/<proto>"; null when it has no Service (no DNS record). */
  readonly servicePorts: string[] | null;
  /** "<namespace>/<k8s-app>" of the DNS servers the pod may query on port 53. */
  readonly dnsServers: string[];
  /** name -> the query reaches the cluster DNS (allowed by the sidecar and the Cilium DNS rule). */
  readonly resolves: Record<string, boolean>;
  /** "<name> <port>/<proto>[ sni=..][ host=..]" or "ip:<a> <port>/<proto>" -> connection allowed. */
  readonly reach: Record<string, boolean>;
  /** "<service> <port>/<proto>" or "<service> icmp" -> this service may open it. */
  readonly peers: Record<string, boolean>;
}

export type Projection = Record<string, ServiceProjection>;

export const probeKey = (p: Probe): string =>
  [p.name, p.port, ...(p.sni ? [`sni=${p.sni}`] : []), ...(p.host ? [`host=${p.host}`] : [])].join(' ');

/** Cilium's DNS/FQDN pattern match: `*` alone matches every name, otherwise `*` is one label's characters. */
export function globMatch(pattern: string, name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (p === '*') return true;
  const re = p
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[-a-z0-9_]*');
  return new RegExp(`^${re}$`).test(n);
}

/** Ports and protocols: "ANY" covers TCP and UDP (and SCTP). */
export function portMatches(rule: string, probe: string): boolean {
  const [rp, rproto] = rule.split('/');
  const [pp, pproto] = probe.split('/');
  return rp === pp && (rproto === 'ANY' || rproto === pproto);
}

/** A small deterministic set of probes for a values file: its own names plus names and ports it does not list. */
export function probesFor(values: Vals, ns: string): { names: string[]; outside: Probe[]; ips: string[]; ports: string[] } {
  const names = new Set<string>(['example.org', 'pypi.org', 'deb.debian.org', `kubernetes.default.svc.cluster.local`, `other-release-web.${ns}.svc.cluster.local`, `${ns}.svc.cluster.local`]);
  for (const [svc, s] of Object.entries<Vals>(values.services ?? {})) {
    names.add(svc);
    names.add(`$FULL-${svc}`);
    names.add(`x.${svc}`);
    for (const r of s?.additionalDnsRecords ?? []) names.add(String(r));
  }
  const outsideNames = new Set<string>(['example.org', 'pypi.org', 'deb.debian.org']);
  for (const d of ((values.allowDomains ?? []) as unknown[]).map((x) => String(x))) {
    const base = d.replace(/^\*\./, '');
    for (const n of d.startsWith('*.') ? [`a.${base}`, `a.b.${base}`, base] : [base, `www.${base}`]) {
      if (base !== '*') {
        names.add(n);
        outsideNames.add(n);
      }
    }
  }
  const extraPorts = new Set(['22/TCP', '53/UDP', '8443/TCP', '443/UDP']);
  for (const p of values.allowDomainsPorts ?? []) {
    const proto = String(p.protocol ?? 'ANY').toUpperCase();
    for (const pr of proto === 'ANY' ? ['TCP', 'UDP'] : [proto]) extraPorts.add(`${p.port}/${pr}`);
  }
  const outside: Probe[] = [];
  for (const n of outsideNames) {
    outside.push({ name: n, port: '443/TCP', sni: n }, { name: n, port: '443/TCP', sni: 'evil.example' });
    outside.push({ name: n, port: '80/TCP', host: n.toUpperCase() }, { name: n, port: '80/TCP', host: `${n}:8080` }, { name: n, port: '80/TCP', host: 'evil.example' });
    for (const p of extraPorts) outside.push({ name: n, port: p });
  }
  const ips = ['1.1.1.1', ...((values.allowCIDR ?? []) as unknown[]).map((c) => String(c).split('/')[0])];
  const ports = ['12345/TCP', '53/UDP'];
  for (const s of Object.values<Vals>(values.services ?? {})) for (const p of s?.ports ?? []) ports.push(`${p.port}/${String(p.protocol ?? 'TCP').toUpperCase()}`);
  return { names: [...names].sort(), outside, ips, ports: [...new Set(ports)].sort() };
}

// Values as YAML gives them (loosely typed on purpose: both sides read the same file).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Vals = Record<string, any>;
