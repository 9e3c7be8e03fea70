// Which flows belong to a release: those from or to one of its pods.
import { Flow, FlowEndpoint } from './flow';
import { INSTANCE_LABEL } from '../names/labels';

export interface ReleasePod {
  readonly namespace: string;
  readonly name: string;
  readonly ip?: string;
  readonly node?: string;
}

export interface ReleaseScope {
  readonly namespace: string;
  readonly release: string;
  readonly pods: readonly ReleasePod[];
}

/** Pods of the release as the chart labels them, from plain pod objects. */
export function releasePods(
  pods: readonly {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    spec?: { nodeName?: string };
    status?: { podIP?: string };
  }[],
  namespace: string,
  release: string,
): ReleasePod[] {
  const out: ReleasePod[] = [];
  for (const p of pods) {
    const m = p.metadata;
    if (!m?.name || m.namespace !== namespace || m.labels?.[INSTANCE_LABEL] !== release) continue;
    out.push({ namespace, name: m.name, ip: p.status?.podIP || undefined, node: p.spec?.nodeName || undefined });
  }
  return out;
}

/** Returns whether the endpoint is one of the release's pods (by name, by its Cilium labels, or by IP). */
function inRelease(e: FlowEndpoint, scope: ReleaseScope, names: Set<string>, ips: Set<string>): boolean {
  // Labels first: they still match a pod created after the pod list was taken.
  const labelled =
    e.labels.includes(`k8s:${INSTANCE_LABEL}=${scope.release}`) &&
    (e.namespace === scope.namespace || e.labels.includes(`k8s:io.kubernetes.pod.namespace=${scope.namespace}`));
  if (labelled) return true;
  if (e.pod) return e.namespace === scope.namespace && names.has(e.pod);
  return e.ip !== undefined && ips.has(e.ip);
}

export function releaseFilter(scope: ReleaseScope): (flow: Flow) => boolean {
  const names = new Set(scope.pods.map((p) => p.name));
  const ips = new Set(scope.pods.map((p) => p.ip).filter((ip): ip is string => !!ip));
  return (flow) => inRelease(flow.source, scope, names, ips) || inRelease(flow.destination, scope, names, ips);
}

/** The release's endpoint of a flow: the side a user of this release is looking from. */
export function releaseSide(flow: Flow, scope: ReleaseScope): 'source' | 'destination' | undefined {
  const names = new Set(scope.pods.map((p) => p.name));
  const ips = new Set(scope.pods.map((p) => p.ip).filter((ip): ip is string => !!ip));
  if (inRelease(flow.source, scope, names, ips)) return 'source';
  if (inRelease(flow.destination, scope, names, ips)) return 'destination';
  return undefined;
}
