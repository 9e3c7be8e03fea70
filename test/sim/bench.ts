// Benchmark (not a test): a sim holding 3,000 pods in 1,000 releases; how long a full pod list takes over HTTPS,
// as JSON (client-node, helm) and as a Table (kubectl get pods -A). Run: npx tsx test/sim/bench.ts
import { Admission } from './admission';
import { startCluster, type SimCluster } from './cluster';
import { resources } from './resources';
import { request } from './testing/http';

export interface SimListBench {
  pods: number;
  releases: number;
  seedMs: number;
  jsonListMs: number[];
  tableListMs: number[];
  bytes: number;
}

/** One StatefulSet of 3 pods per release (Parallel), labelled as Helm would, plus its release Secret. */
function seed(c: SimCluster, releases: number, perRelease: number): void {
  const admission = new Admission(c.store);
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } };
  admission.onCreate(resources.namespaces, ns);
  c.store.create(resources.namespaces, ns);
  for (let i = 0; i < releases; i++) {
    const rel = `r${i}`;
    const labels = { 'app.kubernetes.io/instance': rel, 'app.kubernetes.io/managed-by': 'Helm' };
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {
        name: `${rel}-default`,
        namespace: 'bench',
        labels,
        annotations: { 'meta.helm.sh/release-name': rel, 'meta.helm.sh/release-namespace': 'bench' },
      },
      spec: {
        replicas: perRelease,
        podManagementPolicy: 'Parallel',
        serviceName: `${rel}-default`,
        selector: { matchLabels: { 'app.kubernetes.io/instance': rel } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'default',
                image: 'ubuntu:24.04',
                command: ['tail', '-f', '/dev/null'],
                resources: { limits: { cpu: '100m', memory: '128Mi' } },
              },
            ],
          },
        },
      },
    };
    admission.onCreate(resources.statefulsets, sts);
    c.store.create(resources.statefulsets, sts);
    c.store.create(resources.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `sh.helm.release.v1.${rel}.v1`,
        namespace: 'bench',
        labels: { owner: 'helm', name: rel, status: 'deployed', version: '1' },
      },
      type: 'helm.sh/release.v1',
      data: { release: 'H4sIAAAAAAAA' },
    });
  }
}

export async function benchSimList(releases = 1000, perRelease = 3, rounds = 5): Promise<SimListBench> {
  const c = await startCluster();
  try {
    const t0 = Date.now();
    seed(c, releases, perRelease);
    const want = releases * perRelease;
    for (;;) {
      const running = c.store
        .scan(resources.pods, 'bench')
        .filter((p) => (p.status as { phase?: string }).phase === 'Running').length;
      if (running >= want) break;
      if (Date.now() - t0 > 300_000) throw new Error(`only ${running}/${want} pods running after 5 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const seedMs = Date.now() - t0;
    const timed = async (accept: string): Promise<{ ms: number; bytes: number }> => {
      const s = process.hrtime.bigint();
      const r = await request(c, 'GET', '/api/v1/pods', { accept });
      if (r.status !== 200) throw new Error(`list failed: ${r.status}`);
      return { ms: Number(process.hrtime.bigint() - s) / 1e6, bytes: r.text.length };
    };
    const jsonListMs: number[] = [];
    const tableListMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      const j = await timed('application/json');
      bytes = j.bytes;
      jsonListMs.push(Math.round(j.ms));
      tableListMs.push(Math.round((await timed('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).ms));
    }
    return { pods: c.store.scan(resources.pods).length, releases, seedMs, jsonListMs, tableListMs, bytes };
  } finally {
    await c.stop();
  }
}

if (require.main === module) {
  benchSimList().then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`bench failed: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
