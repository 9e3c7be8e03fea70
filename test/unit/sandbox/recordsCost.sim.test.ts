// Cost follows sandboxes: a cluster with other Helm releases whose records are ~1 MB each (a monitoring stack)
// must not make the view download them. Counted in the simulated API server (response bytes per request), not
// timed. Sandboxes labelled inspectSandbox=true come from the watch; one installed by plain helm (no label) is
// found from its pods and only its own record is read (metadata first, then the payload).
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { KubeObject } from '../../sim/store';
import { helmBinary } from '../../support/tools';
import { fixture } from '../reliability/support/helm';
import { ServerProbe, type SeenRequest } from '../reliability/support/probe';
import { SimEnv } from '../reliability/support/stack';
import { runHelm } from '../../../src/core/helm/runner';
import { PARTIAL_LIST_ACCEPT } from '../../../src/core/kube/rawRequest';
import { rowContext, rowFace } from '../../../src/core/sandbox/rowFace';
import type { ReleaseVM } from '../../../src/core/sandbox/viewModels';
import { releaseSecret } from './fixtures';
import { openStack } from './harness';

const UNRELATED = 5;
const MB = 1024 * 1024;

describe('sandbox view: cost follows sandboxes, not every Helm release', function () {
  this.timeout(120_000);
  const env = new SimEnv();
  let probe: ServerProbe;

  before(async () => {
    const c = await env.start();
    probe = new ServerProbe(c.port);
    const put = (o: Record<string, unknown>) => {
      const m = o.metadata as Record<string, unknown>;
      delete m.uid;
      delete m.resourceVersion;
      c.store.create(c.resources.secrets, o as unknown as KubeObject);
    };
    for (let i = 0; i < 3; i++) put(releaseSecret({ name: `sbx${i}`, labels: { inspectSandbox: 'true' } }));
    // Unrelated releases: random values do not compress, so each record is ~1 MB on the wire.
    for (let i = 0; i < UNRELATED; i++)
      put(
        releaseSecret({
          name: `mon${i}`,
          namespace: 'monitoring',
          chart: 'kube-prometheus-stack',
          config: { blob: randomBytes(560 * 1024).toString('base64') },
        }),
      );
    const values = fixture('05-allow-domains-ports-scoped-values.yaml');
    const kubeconfig = env.kubeconfig();
    await runHelm(
      {
        command: helmBinary('3.18.0'),
        args: [
          'install',
          `--kubeconfig=${kubeconfig}`,
          '--namespace=default',
          '--wait',
          `--values=${values}`,
          '--',
          'plain',
          join(__dirname, '..', '..', '..', 'chart'),
        ],
        parse: (s) => s,
      },
      {
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(env.dir, 'hc'),
          HELM_CONFIG_HOME: join(env.dir, 'hcfg'),
          HELM_DATA_HOME: join(env.dir, 'hd'),
        },
      },
    );
  });
  after(async () => {
    probe?.dispose();
    await env.stop();
  });

  const secretRequests = (since: number): SeenRequest[] => probe.since(since).filter((r) => /\/secrets$/.test(r.path));

  it('shows labelled and unlabelled sandboxes, and never reads the unrelated records', async () => {
    const mark = probe.mark;
    const s = openStack(env.kubeconfig());
    try {
      s.model.start();
      for (
        let i = 0;
        i < 400 && !(s.model.state.phase === 'ready' && s.model.releases.some((r) => r.name === 'plain'));
        i++
      )
        await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(s.model.releases.map((r) => r.name).sort(), ['plain', 'sbx0', 'sbx1', 'sbx2']);
    } finally {
      s.dispose();
    }
    const seen = secretRequests(mark);
    const selectors = seen.map((r) => r.query.get('labelSelector'));
    assert.ok(
      selectors.every((l) => l === 'owner=helm,inspectSandbox=true' || l === 'owner=helm,name=plain'),
      `only sandbox selectors: ${selectors.join(' | ')}`,
    );
    const metadata = seen.filter((r) => r.accept === PARTIAL_LIST_ACCEPT);
    assert.ok(metadata.length >= 1, 'the unlabelled release was looked up metadata-only first');
    const bytes = seen.reduce((n, r) => n + r.bytes, 0);
    assert.ok(bytes < MB / 2, `secrets read: ${bytes} bytes`);

    // Control: the measurement sees payloads. What a cluster-wide owner=helm list (the old watch) costs:
    const control = probe.mark;
    const res = await fetchList(env.cluster.url, env.cluster.tokens.admin, env.cluster.caPath);
    assert.ok(res > UNRELATED * 0.9 * MB, `owner=helm list: ${res} bytes`);
    assert.ok(secretRequests(control).reduce((n, r) => n + r.bytes, 0) >= res);
  });

  it('lists releases from their records metadata first, while the full records are still loading', async () => {
    const mark = probe.mark;
    // The full records list is slow (a big cluster's); the metadata-only one is not held up.
    env.cluster.faults.addLatency(
      1,
      2000,
      (req) => /\/secrets\?/.test(req.url ?? '') && !String(req.headers.accept).includes('PartialObjectMetadata'),
    );
    const s = openStack(env.kubeconfig());
    let early: Array<{ name: string; chart: string; row?: string }> | undefined;
    try {
      const sub = s.model.onDidChange(() => {
        if (early || s.model.state.phase !== 'loading') return;
        const rows = s.model.children().filter((n) => n.kind === 'release');
        if (!rows.length) return;
        early = rows.map((n) => {
          const r = s.model.lookup(n) as ReleaseVM;
          return {
            name: r.name,
            chart: r.chart.name,
            row: rowFace(n, r, Date.now(), rowContext(s.model, n)).description,
          };
        });
      });
      s.model.start();
      for (let i = 0; i < 400 && s.model.state.phase !== 'ready'; i++) await new Promise((r) => setTimeout(r, 25));
      sub.dispose();
      assert.deepEqual(
        early?.map((r) => [r.name, r.chart]),
        [
          ['sbx0', ''],
          ['sbx1', ''],
          ['sbx2', ''],
        ],
        'shown while loading, from labels only (the chart comes with the record)',
      );
      assert.ok(
        early?.every((r) => r.row?.startsWith('deployed r1 · ')),
        JSON.stringify(early),
      );
      assert.equal(s.model.release('default', 'sbx0')?.chart.name, 'k8s-sandbox', 'then the full record');
    } finally {
      s.dispose();
    }
    const previews = secretRequests(mark).filter((r) => r.accept === PARTIAL_LIST_ACCEPT && !r.watch);
    assert.equal(previews[0]?.query.get('labelSelector'), 'owner=helm,inspectSandbox=true');
    assert.ok(previews[0].bytes < 20_000, `metadata of 3 records: ${previews[0].bytes} bytes`);
  });

  it('the simulator serves PartialObjectMetadataList like a real server (and 406 for the wrong form)', async () => {
    const c = env.cluster;
    const get = (path: string, accept: string) =>
      fetchJson(c.url + path, c.tokens.admin, c.caPath, accept) as Promise<{
        status: number;
        body: {
          kind?: string;
          apiVersion?: string;
          items?: Array<Record<string, unknown>>;
          metadata?: Record<string, unknown>;
          reason?: string;
        };
      }>;
    const list = await get('/api/v1/namespaces/monitoring/secrets?labelSelector=owner%3Dhelm', PARTIAL_LIST_ACCEPT);
    assert.equal(list.status, 200);
    assert.equal(list.body.kind, 'PartialObjectMetadataList');
    assert.equal(list.body.apiVersion, 'meta.k8s.io/v1');
    assert.ok(list.body.metadata?.resourceVersion);
    assert.equal(list.body.items?.length, UNRELATED);
    for (const i of list.body.items ?? []) assert.deepEqual(Object.keys(i).sort(), ['apiVersion', 'kind', 'metadata']);
    const one = await get(
      '/api/v1/namespaces/monitoring/secrets/sh.helm.release.v1.mon0.v1',
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    );
    assert.equal(one.body.kind, 'PartialObjectMetadata');
    const wrong = await get(
      '/api/v1/namespaces/monitoring/secrets',
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    );
    assert.deepEqual([wrong.status, wrong.body.reason], [406, 'NotAcceptable']);
  });
});

async function fetchJson(
  url: string,
  token: string,
  ca: string | undefined,
  accept: string,
): Promise<{ status: number; body: unknown; bytes: number }> {
  const https = await import('node:https');
  const { readFileSync } = await import('node:fs');
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { headers: { Authorization: `Bearer ${token}`, Accept: accept }, ca: ca ? readFileSync(ca) : undefined },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(buf.toString('utf8')), bytes: buf.length });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function fetchList(url: string, token: string, ca: string | undefined): Promise<number> {
  return (await fetchJson(`${url}/api/v1/secrets?labelSelector=owner%3Dhelm`, token, ca, 'application/json')).bytes;
}
