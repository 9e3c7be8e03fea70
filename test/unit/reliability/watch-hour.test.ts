// Issue 16, watches like client-go's reflector: over a simulated hour the API server ends every watch after
// its randomised --min-request-timeout and compacts its history, while pods are busy and the other kinds stay
// quiet. The tree's watches ask for bookmarks, so they resume and never re-list; a client-node informer without
// bookmarks, on the same server, re-lists its quiet kind after a 410 (the measure can fail).
import { strict as assert } from 'node:assert';
import { watchSpecs } from '../../../src/core/sandbox/watchSpecs';
import { CoreV1Api, AppsV1Api, KubeConfig, ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { releaseSecret, statefulSet } from './support/churn';
import { ServerProbe, type SeenRequest } from './support/probe';
import { INSTANCE, SimEnv, converged, openStack, waitUntil, type Stack } from './support/stack';
import { tally } from './support/tally';

/** 1/600: a simulated hour is 6 s; watches live 3-6 s, bookmarks every 0.1 s, compaction every 0.5 s. */
const SCALE = 1 / 600;
/** A little over an hour: a watch lives at most 2 × 30 min, so every watch has ended and resumed at least once. */
const SIMULATED_MS = 75 * 60_000;
const PODS = 20;

describe('reliability: a simulated hour of watches ended by the server', function () {
  this.timeout(120_000);
  const env = new SimEnv();
  let probe: ServerProbe;
  let stack: Stack | undefined;
  const stops: Array<() => Promise<void> | void> = [];

  before(async () => {
    const c = await env.start({ timeScale: SCALE });
    probe = new ServerProbe(c.port);
    const { store, resources } = c;
    // One sandbox: its release record and StatefulSet stay quiet, its pods are busy.
    store.create(resources.secrets, releaseSecret({ name: 'hour', namespace: 'default' }));
    const sts = statefulSet('hour', 'default', 0); // no pods from the controller: only ours change
    store.create(resources.statefulsets, sts);
    for (let i = 0; i < PODS; i++) {
      store.create(resources.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        // Bound to a node the sim does not run: only the test's changes produce events.
        metadata: {
          name: `hour-${i}`,
          namespace: 'default',
          labels: { [INSTANCE]: 'hour', 'inspect/service': 'default' },
        },
        spec: { nodeName: 'elsewhere', containers: [{ name: 'default', image: 'busybox' }] },
        status: { phase: 'Running', qosClass: 'Guaranteed', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
  });
  after(async () => {
    stack?.dispose();
    for (const s of stops.splice(0)) await s();
    probe?.dispose();
    await env.stop();
  });

  /** A client-node informer as the extension used it before bookmarks: list, then watch with no bookmarks. */
  async function plainInformer(
    kc: KubeConfig,
    path: string,
    list: () => Promise<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string } }>,
  ): Promise<unknown[]> {
    const informer = new ListWatch(path, new Watch(kc), list as never, false);
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    stops.push(() => informer.stop()); // stop() reports an AbortError: errors are checked before it
    return errors;
  }

  it('0 re-lists for the tree (bookmarks, resume); a client without bookmarks re-lists its quiet kind', async () => {
    const c = env.cluster;
    const { store, resources } = c;
    stack = openStack(env.kubeconfig());
    stack.model.start();
    await converged(c, stack, 'the initial list');
    const kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    // The client without bookmarks watches namespace paths, the tree cluster-wide ones: the probe tells them apart.
    const plainQuiet = '/apis/apps/v1/namespaces/default/statefulsets';
    const plainBusy = '/api/v1/namespaces/default/pods';
    const plainErrors = [
      await plainInformer(kc, plainQuiet, () => apps.listNamespacedStatefulSet({ namespace: 'default' })),
      await plainInformer(kc, plainBusy, () => core.listNamespacedPod({ namespace: 'default' })),
    ];
    const mark = probe.mark;
    const startRv = store.resourceVersion;

    // The busy kind: a pod changes every 30 simulated seconds.
    const end = Date.now() + SIMULATED_MS * SCALE;
    let changes = 0;
    while (Date.now() < end) {
      const p = store.get(resources.pods, 'default', `hour-${changes % PODS}`)!;
      p.metadata.annotations = { 'hour/n': String(changes++) };
      store.update(resources.pods, p);
      await new Promise((r) => setTimeout(r, 30_000 * SCALE));
    }
    await converged(c, stack, 'model == server after the hour');

    const seen = probe.since(mark);
    const lists = (pred: (r: SeenRequest) => boolean): SeenRequest[] =>
      seen.filter((r) => r.method === 'GET' && !r.watch && pred(r));
    const watches = (path: string): SeenRequest[] => seen.filter((r) => r.watch && r.path === path);
    const treePaths = [
      '/api/v1/secrets',
      '/api/v1/pods',
      '/apis/apps/v1/statefulsets',
      '/api/v1/events',
      '/apis/node.k8s.io/v1/runtimeclasses',
    ];
    // The test means something only if the server did end every watch and compact past the first lists.
    assert.ok(
      store.oldestResourceVersion > startRv,
      `history compacted past the initial lists (oldest ${store.oldestResourceVersion}, lists at ${startRv})`,
    );
    for (const p of treePaths)
      assert.ok(
        watches(p).length >= 1,
        `the server ended the tree's watch of ${p} and it resumed: ${watches(p).length} re-watches`,
      );

    const treeLists = lists((r) => treePaths.includes(r.path));
    assert.deepEqual(
      treeLists.map((r) => r.path),
      [],
      'the tree never re-listed',
    );
    for (const p of treePaths)
      assert.ok(
        watches(p).every((r) => r.query.get('allowWatchBookmarks') === 'true'),
        `${p} watches ask for bookmarks`,
      );
    assert.deepEqual(plainErrors.flat(), [], 'the client without bookmarks recovered by itself (re-list, no error)');
    const plainQuietLists = lists((r) => r.path === plainQuiet).length;
    assert.ok(
      plainQuietLists >= 1,
      `the client without bookmarks re-listed its quiet kind after a 410 (${plainQuietLists} lists)`,
    );
    assert.deepEqual(stack.model.state.phase, 'ready');
    await waitUntil(
      'the tree still watches every kind',
      // One watch per kind (two kinds share /api/v1/events), every path among them.
      () => {
        const open = probe.openWatchPaths().filter((p) => treePaths.some((t) => p.startsWith(`${t}?`)));
        return open.length === watchSpecs.length && treePaths.every((t) => open.some((p) => p.startsWith(`${t}?`)));
      },
      5000,
      () => probe.openWatchPaths().join(', '),
    );
    const rewatches = treePaths.reduce((n, p) => n + watches(p).length, 0);
    tally('A simulated hour: server-ended watches and etcd compaction', {
      injected: rewatches,
      checks: 1,
      note: `${changes} pod changes; tree: ${rewatches} resumed watches, 0 re-lists; client without bookmarks: ${plainQuietLists} re-lists of a quiet kind`,
    });
  });
});
