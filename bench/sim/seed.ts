// Fills the simulated cluster with many sandboxes quickly: one real `helm install` of our chart, then every
// object Helm created (and its release Secret, re-encoded in Helm's format) cloned under new release names,
// straight into the store. The sim's own controllers and kubelet then create and start the pods.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { decodeReleasePayload } from '../../src/core/sandbox/helmRelease';
import { Admission } from '../../test/sim/admission';
import type { SimCluster } from '../../test/sim/cluster';
import type { KubeObject } from '../../test/sim/store';

const RELEASE_ANNOTATION = 'meta.helm.sh/release-name';
const INSTANCE = 'app.kubernetes.io/instance';

export const releaseName = (i: number): string => `sbx-r${String(i).padStart(4, '0')}`;

/** Helm's storage format: base64(gzip(JSON)) in data.release, itself base64 on the API (as the store keeps it). */
function encodeRelease(json: string): string {
  const helmLayer = gzipSync(Buffer.from(json)).toString('base64');
  return Buffer.from(helmLayer).toString('base64');
}

function fresh(o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  const m = copy.metadata;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'ownerReferences'])
    delete m[k];
  delete copy.status;
  return copy;
}

export interface SeedResult {
  releases: number;
  pods: number;
  clonedObjectsPerRelease: number;
  releaseSecretBytes: number;
  seedMs: number;
}

/**
 * Clones the release `template` (already installed by helm in `namespace`) into releases from..count-1 (the
 * ones below `from` exist already: the bench grows the cluster between sizes) and waits until
 * `podsPerRelease * count` of their pods are Running and Ready.
 */
export async function cloneReleases(
  c: SimCluster,
  namespace: string,
  from: number,
  count: number,
  podsPerRelease: number,
  timeoutMs = 900_000,
): Promise<SeedResult> {
  const t0 = Date.now();
  const template = releaseName(0);
  const admission = new Admission(c.store);
  const owned = c.store
    .all()
    .filter(
      (e) =>
        e.object.metadata.namespace === namespace && e.object.metadata.annotations?.[RELEASE_ANNOTATION] === template,
    );
  if (owned.length === 0) throw new Error(`no objects of the template release ${template} in ${namespace}`);
  const secret = c.store.get(c.resources.secrets, namespace, `sh.helm.release.v1.${template}.v1`);
  if (!secret) throw new Error(`no release Secret for ${template}`);
  const releaseJson = JSON.stringify(decodeReleasePayload(String((secret.data as Record<string, string>).release)));
  for (let i = Math.max(1, from); i < count; i++) {
    const name = releaseName(i);
    const swap = (o: KubeObject): KubeObject => JSON.parse(JSON.stringify(o).replaceAll(template, name)) as KubeObject;
    for (const { type, object } of owned) {
      const obj = swap(fresh(object));
      admission.onCreate(type, obj);
      c.store.create(type, obj);
    }
    const s = swap(fresh(secret));
    (s.data as Record<string, string>).release = encodeRelease(releaseJson.replaceAll(template, name));
    c.store.create(c.resources.secrets, s);
    // Let the controllers and kubelet run between releases (they react to store events).
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const want = count * podsPerRelease;
  for (;;) {
    const ready = c.store
      .scan(c.resources.pods, namespace)
      .filter((p) => p.metadata.labels?.[INSTANCE]?.startsWith('sbx-r') && isReady(p)).length;
    if (ready >= want) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`only ${ready}/${want} pods ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    releases: count,
    pods: want,
    clonedObjectsPerRelease: owned.length + 1,
    releaseSecretBytes: JSON.stringify(secret).length,
    seedMs: Date.now() - t0,
  };
}

function isReady(p: KubeObject): boolean {
  const st = p.status as { phase?: string; conditions?: Array<{ type: string; status: string }> } | undefined;
  return st?.phase === 'Running' && !!st.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
}

export const UNRELATED_NAMESPACE = 'monitoring';

/**
 * Other charts' releases (a monitoring stack): release records without the inspectSandbox label, whose random
 * values do not compress, so each is about `bytes` on the wire; and a pod each, labelled as Helm charts label
 * theirs (app.kubernetes.io/instance, no inspect/service), so the view's pod watch sees them as a real cluster's
 * would. Returns the bytes of the records.
 */
export function seedUnrelated(c: SimCluster, count: number, bytes: number): number {
  const admission = new Admission(c.store);
  if (!c.store.get(c.resources.namespaces, undefined, UNRELATED_NAMESPACE))
    c.store.create(c.resources.namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: UNRELATED_NAMESPACE },
    });
  let total = 0;
  for (let i = 0; i < count; i++) {
    const name = `mon${String(i).padStart(3, '0')}`;
    const rel = {
      name,
      namespace: UNRELATED_NAMESPACE,
      version: 1,
      info: { status: 'deployed' },
      chart: { metadata: { name: 'kube-prometheus-stack', version: '1.0.0' } },
      config: { blob: randomBytes(Math.floor(bytes * 0.55)).toString('base64') },
      manifest: '',
    };
    const data = Buffer.from(gzipSync(Buffer.from(JSON.stringify(rel))).toString('base64')).toString('base64');
    total += data.length;
    c.store.create(c.resources.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: {
        name: `sh.helm.release.v1.${name}.v1`,
        namespace: UNRELATED_NAMESPACE,
        labels: { owner: 'helm', name, status: 'deployed', version: '1' },
      },
      data: { release: data },
    });
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-prometheus-0`,
        namespace: UNRELATED_NAMESPACE,
        labels: { [INSTANCE]: name, 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'prometheus' },
      },
      spec: { containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.53.0' }] },
    };
    admission.onCreate(c.resources.pods, pod);
    c.store.create(c.resources.pods, pod);
  }
  return total;
}
