// Seeded changes to the simulated cluster's store, as Helm and the controllers would make them: sandboxes
// (a release record and a StatefulSet whose pods the sim's controllers create) appear, change and go away,
// and pods get modified. Fault tests run this while they drop watches, expire resourceVersions, fail requests.
import { gzipSync } from 'node:zlib';
import type { SimCluster } from '../../../sim/cluster';
import type { KubeObject } from '../../../sim/store';
import { INSTANCE } from './stack';

/** mulberry32: small, seedable, good enough to pick operations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Helm release Secret as the store keeps it (data in base64; Helm's payload is base64(gzip(json))). */
export function releaseSecret(o: {
  name: string;
  namespace: string;
  revision?: number;
  status?: string;
  labels?: Record<string, string>;
}): KubeObject {
  const revision = o.revision ?? 1;
  const status = o.status ?? 'deployed';
  const rel = {
    name: o.name,
    namespace: o.namespace,
    version: revision,
    info: {
      status,
      first_deployed: '2025-01-01T10:00:00Z',
      last_deployed: '2025-01-01T10:05:00Z',
      description: 'Install complete',
    },
    chart: { metadata: { name: 'k8s-sandbox', version: '0.1.0' } },
    config: { services: { default: { image: 'busybox' } } },
    manifest: '',
  };
  const helmLayer = gzipSync(Buffer.from(JSON.stringify(rel))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${o.name}.v${revision}`,
      namespace: o.namespace,
      labels: { owner: 'helm', name: o.name, status, version: String(revision), inspectSandbox: 'true', ...o.labels },
    },
    data: { release: Buffer.from(helmLayer).toString('base64') },
  };
}

export function statefulSet(name: string, namespace: string, replicas: number): KubeObject {
  const labels = { [INSTANCE]: name, 'inspect/service': 'default' };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: `${name}-default`, namespace, labels },
    spec: {
      replicas,
      serviceName: `${name}-default`,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'default',
              image: 'busybox',
              command: ['tail', '-f', '/dev/null'],
              resources: { limits: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

export class Churn {
  private n = 0;
  readonly live = new Map<string, { namespace: string; revision: number }>();
  ops = 0;

  constructor(
    private readonly c: SimCluster,
    private readonly random: () => number,
    private readonly namespaces: readonly string[] = ['default', 'churn-a'],
  ) {
    for (const ns of namespaces) {
      if (!c.store.get(c.resources.namespaces, undefined, ns))
        c.store.create(c.resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }

  addRelease(namespace = this.pick(this.namespaces)): string {
    const name = `ch${this.n++}`;
    this.c.store.create(this.c.resources.secrets, releaseSecret({ name, namespace }));
    this.c.store.create(this.c.resources.statefulsets, statefulSet(name, namespace, 1 + Math.floor(this.random() * 2)));
    this.live.set(name, { namespace, revision: 1 });
    return name;
  }

  removeRelease(name: string): void {
    const r = this.live.get(name);
    if (!r) return;
    this.live.delete(name);
    const { store, resources } = this.c;
    for (let v = 1; v <= r.revision; v++)
      if (store.get(resources.secrets, r.namespace, `sh.helm.release.v1.${name}.v${v}`))
        store.delete(resources.secrets, r.namespace, `sh.helm.release.v1.${name}.v${v}`);
    store.delete(resources.statefulsets, r.namespace, `${name}-default`);
    // The sim's garbage collector removes the pods (ownerReferences), as on a real cluster.
  }

  /** A new revision: the old record is superseded, a new one deployed (what `helm upgrade` writes). */
  upgrade(name: string): void {
    const r = this.live.get(name);
    if (!r) return;
    const { store, resources } = this.c;
    const old = store.get(resources.secrets, r.namespace, `sh.helm.release.v1.${name}.v${r.revision}`);
    if (old)
      store.update(resources.secrets, {
        ...releaseSecret({ name, namespace: r.namespace, revision: r.revision, status: 'superseded' }),
        metadata: { ...old.metadata, labels: { ...old.metadata.labels, status: 'superseded' } },
      });
    r.revision++;
    store.create(resources.secrets, releaseSecret({ name, namespace: r.namespace, revision: r.revision }));
  }

  scale(name: string): void {
    const r = this.live.get(name);
    if (!r) return;
    const { store, resources } = this.c;
    const sts = store.get(resources.statefulsets, r.namespace, `${name}-default`);
    if (!sts) return;
    const spec = sts.spec as { replicas: number };
    store.update(resources.statefulsets, { ...sts, spec: { ...spec, replicas: spec.replicas === 1 ? 2 : 1 } });
  }

  /** An annotation change on a random pod of the releases (a MODIFIED event with a new resourceVersion). */
  touchPod(): boolean {
    const pods = this.c.store
      .scan(this.c.resources.pods)
      .filter((p) => p.metadata.labels?.[INSTANCE]?.startsWith('ch'));
    if (!pods.length) return false;
    const p = structuredClone(this.pick(pods));
    p.metadata.annotations = { ...p.metadata.annotations, 'reliability/touch': String(this.ops) };
    this.c.store.update(this.c.resources.pods, p);
    return true;
  }

  /** One random operation. */
  step(): void {
    this.ops++;
    const names = [...this.live.keys()];
    const x = this.random();
    if (names.length < 3 || x < 0.2) this.addRelease();
    else if (x < 0.3) this.removeRelease(this.pick(names));
    else if (x < 0.4) this.upgrade(this.pick(names));
    else if (x < 0.5) this.scale(this.pick(names));
    else if (!this.touchPod()) this.addRelease();
  }
}
