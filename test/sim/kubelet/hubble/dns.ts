// Name lookups of a sandbox process, as the release's chart configures them:
// - a CoreDNS sidecar (a ConfigMap `Corefile` the pod mounts, served by the container that mounts it): the
//   server block of the most specific zone answers; `rewrite name exact`, `template ... { match; rcode }` and
//   `forward` are evaluated in CoreDNS's plugin order, and blocks with `log` log the query in the sidecar's log;
// - Cilium's DNS proxy, when an egress policy selecting the pod has `toPorts[].rules.dns`: names outside those
//   rules are REFUSED (Hubble records an L7 DNS flow with verdict DROPPED);
// - otherwise the cluster DNS answers everything.
// The Corefile and policies are read from the rendered objects, never from the chart's template text.
import type { SimResources } from '../../resources';
import type { KubeObject, Store } from '../../store';
import { dnsRules, fqdnMatches } from './policy';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';

export interface LookupResult {
  /** The name asked (no trailing dot). */
  query: string;
  rcode: Rcode;
  /** The name answered for (after a sidecar `rewrite`). */
  answerFor: string;
  /** Set when the CoreDNS sidecar answered: its container and whether its block logs queries. */
  sidecar?: { container: string; logged: boolean };
  /** Set when Cilium's DNS proxy refused the name. */
  refusedByProxy?: boolean;
}

interface Directive {
  args: string[];
  body: Directive[];
}

interface ServerBlock {
  zones: string[];
  directives: Directive[];
}

function tokenize(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

/** Server blocks of a Corefile (directive lines, nested `{ }` bodies). */
export function parseCorefile(text: string): ServerBlock[] {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  let i = 0;
  const body = (): Directive[] => {
    const out: Directive[] = [];
    while (i < lines.length) {
      const line = lines[i++];
      if (line === '}') return out;
      const open = line.endsWith('{');
      const args = tokenize(open ? line.slice(0, -1) : line);
      out.push({ args, body: open ? body() : [] });
    }
    return out;
  };
  const blocks: ServerBlock[] = [];
  while (i < lines.length) {
    const line = lines[i++];
    if (!line.endsWith('{')) continue;
    const zones = tokenize(line.slice(0, -1)).map(
      (z) =>
        z
          .replace(/^dns:\/\//, '')
          .replace(/:\d+$/, '')
          .toLowerCase()
          .replace(/\.$/, '') || '.',
    );
    blocks.push({ zones, directives: body() });
  }
  return blocks;
}

const fqdn = (n: string): string => `${n.toLowerCase().replace(/\.$/, '')}.`;
const inZone = (name: string, zone: string): boolean =>
  zone === '.' || fqdn(name) === fqdn(zone) || fqdn(name).endsWith(`.${fqdn(zone)}`);

/** What a CoreDNS with these server blocks answers for `name` (plugin order: log, rewrite, template, forward). */
export function corednsAnswer(
  blocks: ServerBlock[],
  name: string,
): { rcode: Rcode; answerFor: string; logged: boolean } {
  let best: ServerBlock | undefined;
  let bestLen = -1;
  for (const b of blocks) {
    for (const z of b.zones) {
      const len = z === '.' ? 0 : z.length;
      if (inZone(name, z) && len > bestLen) {
        best = b;
        bestLen = len;
      }
    }
  }
  if (!best) return { rcode: 'REFUSED', answerFor: name, logged: false };
  const d = best.directives;
  const logged = d.some((x) => x.args[0] === 'log');
  let q = name.toLowerCase().replace(/\.$/, '');
  for (const r of d.filter((x) => x.args[0] === 'rewrite')) {
    const [, field, kind, from, to] = r.args;
    if (field === 'name' && kind === 'exact' && from && to && fqdn(from) === fqdn(q))
      q = to.toLowerCase().replace(/\.$/, '');
  }
  for (const t of d.filter((x) => x.args[0] === 'template')) {
    const zones = t.args.slice(3);
    if (zones.length && !zones.some((z) => inZone(q, z))) continue;
    const matches = t.body.filter((x) => x.args[0] === 'match').flatMap((x) => x.args.slice(1));
    const rcode = t.body.find((x) => x.args[0] === 'rcode')?.args[1]?.toUpperCase();
    const hit = matches.length === 0 || matches.some((m) => safeTest(m, fqdn(q)));
    if (hit) return { rcode: (rcode as Rcode | undefined) ?? 'NOERROR', answerFor: q, logged };
    if (!t.body.some((x) => x.args[0] === 'fallthrough')) return { rcode: 'SERVFAIL', answerFor: q, logged };
  }
  if (d.some((x) => x.args[0] === 'forward')) return { rcode: 'NOERROR', answerFor: q, logged };
  return { rcode: 'SERVFAIL', answerFor: q, logged };
}

function safeTest(re: string, s: string): boolean {
  try {
    return new RegExp(re).test(s);
  } catch {
    return false;
  }
}

/** The pod's CoreDNS sidecar: a mounted ConfigMap with a `Corefile` and the container mounting it. */
function sidecarOf(
  store: Store,
  res: SimResources,
  pod: KubeObject,
): { blocks: ServerBlock[]; container: string } | undefined {
  const spec = (pod.spec ?? {}) as {
    volumes?: Array<{ name: string; configMap?: { name?: string } }>;
    containers?: Array<{ name: string; image?: string; volumeMounts?: Array<{ name: string }> }>;
    initContainers?: Array<{ name: string; image?: string; volumeMounts?: Array<{ name: string }> }>;
  };
  const ns = pod.metadata.namespace;
  for (const v of spec.volumes ?? []) {
    if (!v.configMap?.name) continue;
    const corefile = (store.get(res.configmaps, ns, v.configMap.name)?.data as { Corefile?: string } | undefined)
      ?.Corefile;
    if (!corefile) continue;
    const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const c =
      all.find((x) => x.volumeMounts?.some((m) => m.name === v.name)) ??
      all.find((x) => /coredns/i.test(x.image ?? ''));
    if (c) return { blocks: parseCorefile(corefile), container: c.name };
  }
  return undefined;
}

/** Resolves `name` for a process of `pod`. */
export function lookup(
  store: Store,
  res: SimResources,
  pod: KubeObject,
  selectorLabels: Record<string, string>,
  name: string,
): LookupResult {
  const query = name.toLowerCase().replace(/\.$/, '');
  const ns = pod.metadata.namespace ?? 'default';
  const side = sidecarOf(store, res, pod);
  let answerFor = query;
  let sidecar: LookupResult['sidecar'];
  if (side) {
    const a = corednsAnswer(side.blocks, query);
    sidecar = { container: side.container, logged: a.logged };
    if (a.rcode !== 'NOERROR') return { query, rcode: a.rcode, answerFor: a.answerFor, sidecar };
    answerFor = a.answerFor;
  }
  // The upstream lookup (the sidecar's forward, or the pod's own resolver with its search path) passes the proxy.
  const policies = [...store.list(res.ciliumnetworkpolicies, ns), ...store.list(res.ciliumclusterwidenetworkpolicies)];
  const rules = dnsRules(policies, selectorLabels);
  if (rules) {
    const candidates = answerFor.includes('.') ? [answerFor] : [answerFor, `${answerFor}.${ns}.svc.cluster.local`];
    if (!candidates.some((c) => rules.some((r) => fqdnMatches(r, c))))
      return { query, rcode: 'REFUSED', answerFor, sidecar, refusedByProxy: true };
  }
  return { query, rcode: 'NOERROR', answerFor, sidecar };
}

/** A CoreDNS `log` line (its default format) for a query the sidecar answered. */
export function corednsLogLine(query: string, rcode: Rcode, qtype = 'A'): string {
  const port = 32768 + Math.floor(Math.random() * 28000);
  const id = Math.floor(Math.random() * 65536);
  const size = query.length + 2 + 4 + 11;
  const flags = rcode === 'NXDOMAIN' ? 'qr,aa,rd' : 'qr,rd,ra';
  const secs = (0.00005 + Math.random() * 0.0002).toFixed(9);
  return `[INFO] 127.0.0.1:${port} - ${id} "${qtype} IN ${query}. udp ${size} false 1232" ${rcode} ${flags} ${size} ${secs}s`;
}
