// Simulated connections from a pod: the destination is resolved (cluster Service/pod names and IPs, else the
// world), the CiliumNetworkPolicies decide, and the flows land in the ring buffer of the node that observes
// them: egress on the source pod's node, ingress on the destination pod's node. Denied TCP connections are
// retried like a kernel retransmits a SYN, each attempt giving a policy-verdict and a drop event.
import { randomInt } from 'node:crypto';
import type { SimResources } from '../../resources';
import { selectorMatches } from '../../selectors';
import type { KubeObject, Store } from '../../store';
import { isRunning, type PodRuntime } from '../model';
import { type Endpoint, externalAddress, hostEndpoint, identityOf, podEndpoint, worldEndpoint } from './endpoints';
import type { FlowInput } from './flows';
import { corednsLogLine, lookup, type Rcode } from './dns';
import { evaluate, type Verdict } from './policy';

export interface TrafficRequest {
  namespace: string;
  pod: string;
  destination: { domain?: string; ip?: string; port: number; protocol: 'TCP' | 'UDP' };
  /** Connection attempts (default 1). */
  count?: number;
}

export interface TrafficResult {
  verdict: 'FORWARDED' | 'DROPPED';
  /** Where it was dropped (EGRESS at the source, INGRESS at the destination pod). */
  direction: 'EGRESS' | 'INGRESS';
  dropReason?: 'POLICY_DENIED' | 'POLICY_DENY' | 'SERVICE_BACKEND_NOT_FOUND';
  destination: { ip: string; names: string[]; namespace?: string; pod?: string };
  /** Flow records written, over all nodes. */
  flows: number;
  /** The name lookup, when the destination was a name; a failed lookup means no connection was tried. */
  dns?: { query: string; rcode: Rcode; refusedBy?: 'coredns-sidecar' | 'cilium-dns-proxy' };
}

/** DNS rcodes as numbers (RFC 1035/6895), as Hubble's l7.dns.rcode carries them. */
const RCODE_NUM: Record<Rcode, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

export interface TrafficDeps {
  store: Store;
  res: SimResources;
  runtime(ns: string, name: string): PodRuntime | undefined;
  runtimes(): PodRuntime[];
  record(node: string, input: FlowInput): void;
  nodeLabels(node: string): string[];
  /** Appends a line to a container's log (the CoreDNS sidecar's query log). */
  containerLog(ns: string, pod: string, container: string, line: string): void;
  /** TCP SYN retransmits after a denied first SYN (Linux sends several before the client times out). */
  synRetries: number;
  retryDelayMs: number;
}

const CLUSTER_SUFFIX = /\.svc(\.cluster\.local)?\.?$/;

export class Traffic {
  constructor(private readonly d: TrafficDeps) {}

  private endpointOf(p: PodRuntime): Endpoint | undefined {
    const pod = this.d.store.get(this.d.res.pods, p.namespace, p.name);
    return pod ? podEndpoint(this.d.store, this.d.res, pod, p) : undefined;
  }

  private backends(svc: KubeObject): PodRuntime[] {
    const sel = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!sel || !Object.keys(sel).length) return [];
    return this.d
      .runtimes()
      .filter((p) => p.namespace === svc.metadata.namespace && p.podIP && p.containers.every((c) => c.ready))
      .filter((p) =>
        selectorMatches({ matchLabels: sel }, this.d.store.get(this.d.res.pods, p.namespace, p.name)?.metadata.labels),
      );
  }

  /** The peer a name or address reaches (after Service translation, as Cilium evaluates policy). */
  private resolve(
    src: PodRuntime,
    dest: TrafficRequest['destination'],
    answerFor?: string,
  ): { peer?: Endpoint; ip: string; names: string[]; noBackend?: boolean } {
    const names = dest.domain ? [dest.domain.replace(/\.$/, '')] : [];
    const services = this.d.store.list(this.d.res.services);
    let svc: KubeObject | undefined;
    if (dest.domain) {
      const name = answerFor ?? dest.domain.replace(/\.$/, '').toLowerCase();
      const parts = name.replace(CLUSTER_SUFFIX, '').split('.');
      if (parts.length <= 2)
        svc = services.find(
          (s) => s.metadata.name === parts[0] && s.metadata.namespace === (parts[1] ?? src.namespace),
        );
    } else if (dest.ip) {
      svc = services.find((s) => (s.spec as { clusterIP?: string } | undefined)?.clusterIP === dest.ip);
    }
    if (svc) {
      const clusterIP = (svc.spec as { clusterIP?: string }).clusterIP;
      const b = this.backends(svc)[0];
      if (!b) return { ip: clusterIP && clusterIP !== 'None' ? clusterIP : '0.0.0.0', names: [], noBackend: true };
      return { peer: this.endpointOf(b), ip: b.podIP!, names: [] };
    }
    const ip = dest.ip ?? externalAddress(dest.domain ?? '');
    const pod = this.d.runtimes().find((p) => p.podIP === ip && p.podIP !== p.hostIP);
    if (pod) return { peer: this.endpointOf(pod), ip, names };
    const host = this.d.runtimes().find((p) => p.hostIP === ip);
    if (host) return { peer: hostEndpoint(ip, host.node, host.node === src.node), ip, names };
    return { peer: worldEndpoint(ip), ip, names };
  }

  private policies(ns: string | undefined): KubeObject[] {
    const { store, res } = this.d;
    return [
      ...(ns ? store.list(res.ciliumnetworkpolicies, ns) : []),
      ...store.list(res.ciliumclusterwidenetworkpolicies),
    ];
  }

  async request(req: TrafficRequest): Promise<TrafficResult> {
    const p = this.d.runtime(req.namespace, req.pod);
    if (!p || !p.podIP || !p.containers.some(isRunning))
      throw new Error(`pod ${req.namespace}/${req.pod} is not running on this kubelet's nodes`);
    const src = this.endpointOf(p);
    if (!src) throw new Error(`pod ${req.namespace}/${req.pod} not found`);
    const { port, protocol } = req.destination;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port ${port}`);
    const count = Math.max(1, req.count ?? 1);
    let flows = 0;
    const emit = (node: string, input: Omit<FlowInput, 'node' | 'nodeLabels'>): void => {
      this.d.record(node, { ...input, node, nodeLabels: this.d.nodeLabels(node) });
      flows++;
    };
    let answerFor: string | undefined;
    let dns: TrafficResult['dns'];
    if (req.destination.domain) {
      const pod = this.d.store.get(this.d.res.pods, p.namespace, p.name)!;
      const lu = lookup(this.d.store, this.d.res, pod, src.selectorLabels, req.destination.domain);
      if (lu.sidecar?.logged)
        this.d.containerLog(p.namespace, p.name, lu.sidecar.container, corednsLogLine(lu.query, lu.rcode));
      if (lu.refusedByProxy) {
        emit(p.node, {
          src,
          dst: this.kubeDns(),
          srcPort: randomInt(32768, 61000),
          dstPort: 53,
          protocol: 'UDP',
          verdict: 'DROPPED',
          eventType: 129,
          direction: 'EGRESS',
          dns: { query: lu.answerFor, rcode: RCODE_NUM.REFUSED, qtypes: ['A'] },
        });
      }
      dns = {
        query: lu.query,
        rcode: lu.rcode,
        ...(lu.rcode === 'NOERROR'
          ? {}
          : { refusedBy: lu.refusedByProxy ? ('cilium-dns-proxy' as const) : ('coredns-sidecar' as const) }),
      };
      if (lu.rcode !== 'NOERROR')
        return { verdict: 'DROPPED', direction: 'EGRESS', destination: { ip: '', names: [lu.query] }, flows, dns };
      answerFor = lu.answerFor;
    }
    const target = this.resolve(p, req.destination, answerFor);
    const destination = {
      ip: target.ip,
      names: target.names,
      ...(target.peer?.podName ? { namespace: target.peer.namespace, pod: target.peer.podName } : {}),
    };
    const attempts = protocol === 'TCP' ? 1 + this.d.synRetries : 1;

    if (target.noBackend || !target.peer) {
      const dst = worldEndpoint(target.ip);
      for (let i = 0; i < count; i++) {
        const srcPort = randomInt(32768, 61000);
        for (let a = 0; a < attempts; a++) {
          if (a) await this.sleep();
          emit(p.node, {
            src,
            dst,
            srcPort,
            dstPort: port,
            protocol,
            verdict: 'DROPPED',
            eventType: 1,
            subType: 158,
            direction: 'EGRESS',
            dropReason: 158,
          });
        }
      }
      return {
        verdict: 'DROPPED',
        direction: 'EGRESS',
        dropReason: 'SERVICE_BACKEND_NOT_FOUND',
        destination,
        flows,
        ...(dns ? { dns } : {}),
      };
    }
    const dst = target.peer;
    const egress = evaluate(this.policies(p.namespace), src, 'egress', dst, port, protocol, req.destination.domain);
    let ingress: Verdict | undefined;
    if (egress.allowed && dst.kind === 'pod')
      ingress = evaluate(this.policies(dst.namespace), dst, 'ingress', src, port, protocol);
    const denied = !egress.allowed ? egress : ingress && !ingress.allowed ? ingress : undefined;
    const direction: 'EGRESS' | 'INGRESS' = !egress.allowed ? 'EGRESS' : 'INGRESS';
    const names = target.names;

    for (let i = 0; i < count; i++) {
      const srcPort = randomInt(32768, 61000);
      const base = { src, dst, srcPort, dstPort: port, protocol, destinationNames: names } as const;
      if (egress.enforced && egress.allowed)
        emit(p.node, {
          ...base,
          verdict: 'FORWARDED',
          eventType: 5,
          direction: 'EGRESS',
          matchType: egress.matchType,
          policies: egress.by,
        });
      if (egress.allowed)
        emit(p.node, {
          ...base,
          verdict: 'FORWARDED',
          eventType: 4,
          subType: dst.kind === 'pod' && dst.node === p.node ? 0 : 3,
          direction: 'EGRESS',
        });
      if (!denied) {
        if (ingress && dst.kind === 'pod' && dst.node) {
          if (ingress.enforced)
            emit(dst.node, {
              ...base,
              verdict: 'FORWARDED',
              eventType: 5,
              direction: 'INGRESS',
              matchType: ingress.matchType,
              policies: ingress.by,
            });
          emit(dst.node, { ...base, verdict: 'FORWARDED', eventType: 4, subType: 0, direction: 'INGRESS' });
        }
        continue;
      }
      const node = direction === 'EGRESS' ? p.node : (dst.node ?? p.node);
      for (let a = 0; a < attempts; a++) {
        if (a) await this.sleep();
        const drop = {
          ...base,
          verdict: 'DROPPED' as const,
          direction,
          dropReason: denied.dropReason,
          policies: denied.by,
        };
        emit(node, { ...drop, eventType: 5 });
        emit(node, { ...drop, eventType: 1, subType: denied.dropReason });
      }
    }
    if (denied) {
      return {
        verdict: 'DROPPED',
        direction,
        dropReason: denied.dropReason === 181 ? 'POLICY_DENY' : 'POLICY_DENIED',
        destination,
        flows,
        ...(dns ? { dns } : {}),
      };
    }
    return { verdict: 'FORWARDED', direction: 'EGRESS', destination, flows, ...(dns ? { dns } : {}) };
  }

  /** The cluster DNS the proxy stands in front of: a kube-dns pod when there is one. */
  private kubeDns(): Endpoint {
    const pod = this.d.store
      .list(this.d.res.pods, 'kube-system')
      .find((x) => x.metadata.labels?.['k8s-app'] === 'kube-dns');
    const rt = pod && this.d.runtime('kube-system', pod.metadata.name);
    if (pod && rt?.podIP) return podEndpoint(this.d.store, this.d.res, pod, rt);
    const labels = [
      'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=kube-system',
      'k8s:io.cilium.k8s.policy.cluster=default',
      'k8s:io.kubernetes.pod.namespace=kube-system',
      'k8s:k8s-app=kube-dns',
    ];
    return {
      kind: 'pod',
      ip: '10.244.0.250',
      identity: identityOf(labels),
      labels,
      selectorLabels: { 'k8s-app': 'kube-dns', 'io.kubernetes.pod.namespace': 'kube-system' },
      namespace: 'kube-system',
      podName: 'coredns-sim',
    };
  }

  private sleep(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.d.retryDelayMs));
  }
}
