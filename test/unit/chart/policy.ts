// Flattens a CiliumNetworkPolicy into plain sets of what it admits, so tests compare whole sets: anything the
// chart adds or drops by mistake shows up as a difference.
import type { Obj } from './support';

export interface PolicyView {
  /** Empty rules only: the pod is selected (default deny) and nothing is allowed. */
  readonly egressDenyAll: boolean;
  readonly ingressDenyAll: boolean;
  /** ingressDeny and egressDeny for all entities: nothing in or out, whatever other policies allow. */
  readonly isolated: boolean;
  /** Names the cluster DNS may be asked for ("name:x" / "pattern:x"). */
  readonly dnsNames: Set<string>;
  /** DNS servers the DNS rule reaches ("k8s-app" label values in kube-system). */
  readonly dnsServers: Set<string>;
  /** Ports open to the ingress peers ("<selector> <port>/<proto>", "<selector> *" for every port,
      "<selector> icmp-echo"). */
  readonly ingressPorts: Set<string>;
  /** Pods reachable / allowed in, as sorted "k=v,k=v" selectors. */
  readonly egressPeers: Set<string>;
  readonly ingressPeers: Set<string>;
  /** "<selector> <port>/<proto>[ sni=..][ host=..]" per FQDN rule; "entity:<e> ..."; "cidr:<c>". */
  readonly outside: Set<string>;
}

const selector = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');

function portKeys(toPorts: Obj[] | undefined): string[] {
  if (!toPorts) return ['*'];
  return toPorts.flatMap((pr: Obj) => {
    const extra = [
      ...(pr.serverNames ? [`sni=${[...pr.serverNames].sort().join('|')}`] : []),
      ...(pr.rules?.http ? [`host=${pr.rules.http.map((h: Obj) => h.host).join('|')}`] : []),
    ];
    return (pr.ports as Obj[]).map((p) => [`${p.port}/${p.protocol}`, ...extra].join(' '));
  });
}

export function viewPolicy(cnp: Obj): PolicyView {
  assert(cnp.apiVersion === 'cilium.io/v2' && cnp.kind === 'CiliumNetworkPolicy', 'not a CiliumNetworkPolicy');
  const egress: Obj[] = cnp.spec.egress ?? [];
  const ingress: Obj[] = cnp.spec.ingress ?? [];
  const view: PolicyView = {
    egressDenyAll: egress.length > 0 && egress.every((r) => Object.keys(r).length === 0),
    ingressDenyAll: ingress.length > 0 && ingress.every((r) => Object.keys(r).length === 0),
    isolated: false,
    dnsNames: new Set(),
    dnsServers: new Set(),
    ingressPorts: new Set(),
    egressPeers: new Set(),
    ingressPeers: new Set(),
    outside: new Set(),
  };
  for (const rule of egress) {
    const keys = Object.keys(rule).sort().join(',');
    if (rule.toEndpoints && rule.toPorts) {
      assert(keys === 'toEndpoints,toPorts', `unexpected egress rule keys ${keys}`);
      for (const e of rule.toEndpoints as Obj[]) {
        assert(e.matchLabels['k8s:io.kubernetes.pod.namespace'] === 'kube-system' && Object.keys(e.matchLabels).length === 2, 'port rules to endpoints other than the cluster DNS');
        view.dnsServers.add(e.matchLabels['k8s:k8s-app']);
      }
      assert(portKeys(rule.toPorts).join() === '53/ANY', 'DNS rule on a port other than 53');
      for (const d of rule.toPorts[0].rules.dns as Obj[]) view.dnsNames.add(d.matchName ? `name:${d.matchName}` : `pattern:${d.matchPattern}`);
    } else if (rule.toEndpoints) {
      assert(keys === 'toEndpoints', `unexpected egress rule keys ${keys}`);
      for (const e of rule.toEndpoints as Obj[]) view.egressPeers.add(selector(e.matchLabels));
    } else if (rule.toFQDNs) {
      for (const f of rule.toFQDNs as Obj[]) {
        const sel = f.matchName ? `name:${f.matchName}` : `pattern:${f.matchPattern}`;
        for (const p of portKeys(rule.toPorts)) view.outside.add(`${sel} ${p}`);
      }
    } else if (rule.toEntities) {
      for (const e of rule.toEntities as string[]) for (const p of portKeys(rule.toPorts)) view.outside.add(`entity:${e} ${p}`);
    } else if (rule.toCIDR) {
      assert(keys === 'toCIDR', `unexpected egress rule keys ${keys}`);
      for (const c of rule.toCIDR as string[]) view.outside.add(`cidr:${c} *`);
    } else if (keys !== '') {
      throw new Error(`unexpected egress rule keys ${keys}`);
    }
  }
  for (const rule of ingress) {
    if (rule.fromEndpoints) {
      for (const e of rule.fromEndpoints as Obj[]) {
        const sel = selector(e.matchLabels);
        view.ingressPeers.add(sel);
        if (rule.icmps) {
          const types = (rule.icmps as Obj[]).flatMap((i: Obj) => (i.fields as Obj[]).map((f) => `${f.family}/${f.type}`)).sort().join();
          assert(types === 'IPv4/8,IPv6/128', `ICMP other than echo: ${types}`);
          view.ingressPorts.add(`${sel} icmp-echo`);
        } else for (const p of portKeys(rule.toPorts)) view.ingressPorts.add(`${sel} ${p}`);
      }
    } else if (Object.keys(rule).length) throw new Error(`unexpected ingress rule ${JSON.stringify(rule)}`);
  }
  const denyAll = (rules: Obj[] | undefined, key: string): boolean => !!rules?.some((r) => Object.keys(r).length === 1 && (r[key] as string[] | undefined)?.includes('all'));
  const inDeny = cnp.spec.ingressDeny as Obj[] | undefined;
  const outDeny = cnp.spec.egressDeny as Obj[] | undefined;
  assert(denyAll(inDeny, 'fromEntities') === denyAll(outDeny, 'toEntities'), 'deny in one direction only');
  assert((inDeny?.length ?? 0) + (outDeny?.length ?? 0) === (denyAll(inDeny, 'fromEntities') ? 2 : 0), 'deny rules other than "all"');
  (view as { isolated: boolean }).isolated = denyAll(inDeny, 'fromEntities');
  return view;
}

function assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

export const releaseSelector = (release: string, namespace: string, network?: string): string =>
  selector({
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/name': 'k8s-sandbox',
    'k8s:io.kubernetes.pod.namespace': namespace,
    ...(network ? { [`k8s-sandbox.dev/network-${network}`]: 'true' } : {}),
  });

/** The 80/443 allowances an allowDomains entry should produce. */
export function webAllowances(sel: string, sni: string, host: string): string[] {
  host = `(?i)${host.replace('(:80)?$', '(:[0-9]+)?$')}`;
  return [`${sel} 443/TCP sni=${sni}`, `${sel} 80/TCP host=${host}`];
}
