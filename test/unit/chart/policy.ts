// Flattens a CiliumNetworkPolicy into plain sets of what it admits, so tests compare whole sets: anything the
// chart adds or drops by mistake shows up as a difference.
import type { Obj } from './support';

export interface PolicyView {
  /** Empty rules only: the pod is selected (default deny) and nothing is allowed. */
  readonly egressDenyAll: boolean;
  readonly ingressDenyAll: boolean;
  /** Names the cluster DNS may be asked for ("name:x" / "pattern:x"). */
  readonly dnsNames: Set<string>;
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
    dnsNames: new Set(),
    egressPeers: new Set(),
    ingressPeers: new Set(),
    outside: new Set(),
  };
  for (const rule of egress) {
    const keys = Object.keys(rule).sort().join(',');
    if (rule.toEndpoints && rule.toPorts) {
      assert(keys === 'toEndpoints,toPorts', `unexpected egress rule keys ${keys}`);
      assert(selector(rule.toEndpoints[0].matchLabels) === 'k8s:io.kubernetes.pod.namespace=kube-system,k8s:k8s-app=kube-dns', 'port rules to endpoints other than kube-dns');
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
    if (rule.fromEndpoints) for (const e of rule.fromEndpoints as Obj[]) view.ingressPeers.add(selector(e.matchLabels));
    else if (Object.keys(rule).length) throw new Error(`unexpected ingress rule ${JSON.stringify(rule)}`);
  }
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
  return [`${sel} 443/TCP sni=${sni}`, `${sel} 80/TCP host=${host}`];
}
