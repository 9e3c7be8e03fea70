// The fault tests' oracle: what the tree must show, computed from the simulated server's store by this file's
// own reading of Helm's storage format and of the pods and StatefulSets, never by the production decoders and
// builders under test (src/core/sandbox). Both sides are reduced to the same summary and compared.
import { gunzipSync } from 'node:zlib';
import type { SimCluster } from '../../../sim/cluster';
import type { KubeObject } from '../../../sim/store';
import type { ReleaseVM } from '../../../../src/core/sandbox/viewModels';

/** What the oracle checks of each sandbox row and its pods. */
export interface ReleaseSummary {
  namespace: string;
  name: string;
  revision: number;
  status: string;
  chart: string;
  expectedPods: number;
  readyPods: number;
  restarts: number;
  pods: Array<{ name: string; phase: string; ready: boolean; deleting: boolean; restarts: number }>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- store objects are loosely typed JSON */

const INSTANCE = 'app.kubernetes.io/instance';
// Helm's storage driver: Secret type and label; our chart, the upstream one, and inspect's marker label.
const RELEASE_TYPE = 'helm.sh/release.v1';
const SANDBOX_CHARTS = new Set(['k8s-sandbox', 'agent-env']);

/** Helm's record: data.release is base64 (the Secret's encoding) of base64 (Helm's) of gzip (or plain) JSON. */
function readRecord(secret: KubeObject): any {
  const helmText = Buffer.from(String((secret.data as any)?.release ?? ''), 'base64').toString('utf8');
  const raw = Buffer.from(helmText, 'base64');
  const json = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return JSON.parse(json.toString('utf8'));
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The rows the tree must show for the server's current state (one namespace, or all). */
export function expectedReleases(c: SimCluster, namespace?: string): ReleaseSummary[] {
  const r = c.resources;
  const latest = new Map<string, any>();
  for (const s of c.store.list(r.secrets, namespace)) {
    if (s.type !== RELEASE_TYPE || s.metadata.labels?.owner !== 'helm') continue;
    let rec: any;
    try {
      rec = readRecord(s);
    } catch {
      continue; // an unreadable record is not a sandbox row
    }
    const marked = s.metadata.labels?.inspectSandbox === 'true' || s.metadata.annotations?.inspectSandbox === 'true';
    if (!SANDBOX_CHARTS.has(rec.chart?.metadata?.name) && !marked) continue;
    const key = `${s.metadata.namespace}/${rec.name}`;
    if (!latest.has(key) || latest.get(key).version < rec.version)
      latest.set(key, { ...rec, namespace: s.metadata.namespace });
  }
  const out: ReleaseSummary[] = [];
  for (const rec of latest.values()) {
    const ns = rec.namespace as string;
    const ofRelease = (o: KubeObject): boolean => o.metadata.labels?.[INSTANCE] === rec.name;
    const pods = c.store
      .list(r.pods, ns)
      .filter(ofRelease)
      .map((p: any) => {
        const statuses = [
          ...(p.status?.containerStatuses ?? []),
          ...(p.status?.initContainerStatuses ?? []),
          ...(p.status?.ephemeralContainerStatuses ?? []),
        ];
        return {
          name: p.metadata.name as string,
          phase: (p.status?.phase as string) ?? 'Unknown',
          ready: (p.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True'),
          deleting: !!p.metadata.deletionTimestamp,
          restarts: statuses.reduce((n: number, s: any) => n + (s.restartCount ?? 0), 0),
        };
      });
    pods.sort(byName);
    const sets = c.store.list(r.statefulsets, ns).filter(ofRelease);
    // StatefulSets say how many pods there should be; without any, the pods seen are all there is.
    const asked = sets.length ? sets.reduce((n, x: any) => n + (x.spec?.replicas ?? 1), 0) : pods.length;
    out.push({
      namespace: ns,
      name: rec.name,
      revision: rec.version,
      status: rec.info?.status ?? 'unknown',
      chart: `${rec.chart?.metadata?.name}-${rec.chart?.metadata?.version}`,
      expectedPods: Math.max(asked, pods.length),
      readyPods: pods.filter((p) => p.ready).length,
      restarts: pods.reduce((n, p) => n + p.restarts, 0),
      pods,
    });
  }
  return out.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : byName(a, b)));
}

/** The same summary of what the tree shows. */
export function shownReleases(releases: readonly ReleaseVM[]): ReleaseSummary[] {
  return releases.map((x) => ({
    namespace: x.namespace,
    name: x.name,
    revision: x.revision,
    status: x.status,
    chart: `${x.chart.name}-${x.chart.version}`,
    expectedPods: x.expectedPods,
    readyPods: x.readyPods,
    restarts: x.restarts,
    pods: x.pods.map((p) => ({
      name: p.name,
      phase: p.phase,
      ready: p.ready,
      deleting: p.deleting,
      restarts: p.restarts,
    })),
  }));
}
