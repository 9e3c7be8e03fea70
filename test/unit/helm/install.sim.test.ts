// Install / tear down with the real helm 3.18 and 4.1 against the simulated cluster and the real chart.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeConfig, NodeV1Api } from '@kubernetes/client-node';
import { startCluster, type SimCluster } from '../../sim/cluster';
import { ToolHome } from '../../sim/testing/run';
import type { KubeletFaults } from '../../sim/kubelet/faults';
import type { KubeObject } from '../../sim/store';
import { helmBinary, helmVersions } from '../../support/tools';
import { agentEnvValuesDir } from '../../support/shared';
import { detectHelm } from '../../../src/core/helm/locate';
import { installSandbox, InstallError, type InstallRequest } from '../../../src/core/helm/install';
import { RuntimeClassError, fallbackSets } from '../../../src/core/helm/runtimeClasses';
import { listMine, tearDown } from '../../../src/core/helm/teardown';
import { statusCommand, type HelmTarget } from '../../../src/core/helm/commands';
import { runHelm } from '../../../src/core/helm/runner';
import { SandboxError } from '../../../src/core/errors';
import type { WhoAmI } from '../../../src/core/kube/identity';

const known = (creator: string): WhoAmI => ({ known: true, identity: { username: creator, groups: [], creator } });

const CHART = resolve(__dirname, '..', '..', '..', 'chart');
const FIXTURES = agentEnvValuesDir;
const VALID = readdirSync(FIXTURES).filter((f) => f.endsWith('-values.yaml'));
const NS = 'default';
const INSTANCE = 'app.kubernetes.io/instance';

/** Everything in the cluster that belongs to a release: its helm records and any object labelled or named for it. */
function leftovers(c: SimCluster, release: string): string[] {
  return c.store
    .all()
    .filter(({ type, object: o }) => {
      if (type.kind === 'Event') return false;
      const l = o.metadata.labels ?? {};
      return (
        l[INSTANCE] === release ||
        (l.owner === 'helm' && l.name === release) ||
        o.metadata.name.startsWith(`${release}-`) ||
        o.metadata.name === `sh.helm.release.v1.${release}.v1`
      );
    })
    .map(({ type, object }) => `${type.kind}/${object.metadata.name}`);
}

const podsOf = (c: SimCluster, release: string): KubeObject[] =>
  c.store.list(c.resources.pods, NS).filter((p) => p.metadata.labels?.[INSTANCE] === release);
const ready = (p: KubeObject): boolean =>
  ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some(
    (x) => x.type === 'Ready' && x.status === 'True',
  );

/** Children of this process running `helm install … <release>`. */
function helmPids(release: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (ppid === process.pid && cmd.includes('install') && cmd.includes(release)) pids.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

for (const version of helmVersions) {
  describe(`install and tear down with helm ${version} (simulated cluster)`, function () {
    this.timeout(120000);
    let c: SimCluster;
    let home: ToolHome;
    let kc: KubeConfig;
    let helm: HelmTarget;
    let env: NodeJS.ProcessEnv;
    const unsubscribe: Array<() => void> = [];
    const faults = () => c.kubelet.faults as KubeletFaults;
    let n = 0;
    const rel = (tag: string) => `${tag}${version.replace(/\D/g, '')}${n++}`;

    const request = (release: string, values: string, extra: Partial<InstallRequest> = {}): InstallRequest => ({
      helm,
      env,
      kc,
      release,
      namespace: NS,
      chart: CHART,
      valuesFiles: [values],
      creator: 'alice',
      timeoutSeconds: 60,
      cleanupTimeoutSeconds: 60,
      ...extra,
    });

    /** Runs `f` on each pod of the release as it appears (store events), until it returns true. */
    const onPod = (release: string, f: (p: KubeObject) => boolean) => {
      let done = false;
      unsubscribe.push(
        c.store.subscribe((e) => {
          if (
            done ||
            e.resource.kind !== 'Pod' ||
            e.type === 'DELETED' ||
            e.object.metadata.labels?.[INSTANCE] !== release
          )
            return;
          try {
            done = f(e.object);
          } catch {
            // not on a node yet: try again on the next event
          }
        }),
      );
    };

    before(async () => {
      c = await startCluster();
      home = new ToolHome();
      const kubeconfig = c.writeKubeconfig(home.path('kubeconfig'));
      kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      env = home.env(kubeconfig);
      helm = { helm: await detectHelm(helmBinary(version)), kubeconfig };
    });

    afterEach(() => {
      for (const u of unsubscribe.splice(0)) u();
    });

    after(async () => {
      await c?.stop();
      home?.cleanup();
    });

    it('every valid shared fixture installs concurrently and reaches Ready, with our release labels; tear down leaves nothing', async () => {
      const releases = VALID.map(() => rel('ok'));
      const lines: string[][] = VALID.map(() => []);
      const results = await Promise.all(
        VALID.map((f, i) => installSandbox(request(releases[i], join(FIXTURES, f), { sink: (l) => lines[i].push(l) }))),
      );
      // helm's progress is streamed (debug lines: resources created, readiness), without dumps.
      for (const l of lines) {
        assert.ok(
          l.some((x) => /beginning wait/i.test(x)),
          l.join('\n'),
        );
        assert.ok(l.every((x) => x.length <= 1000));
      }
      for (const [i, r] of results.entries()) {
        assert.equal(r.status, 'deployed', VALID[i]);
        const pods = podsOf(c, releases[i]);
        assert.ok(pods.length > 0, `${VALID[i]}: pods`);
        assert.ok(pods.every(ready), `${VALID[i]}: all pods Ready`);
        const record = c.store
          .list(c.resources.secrets, NS)
          .find((s) => s.metadata.labels?.owner === 'helm' && s.metadata.labels?.name === releases[i]);
        assert.equal(record?.metadata.labels?.inspectSandbox, 'true');
        assert.equal(record?.metadata.labels?.['k8s-sandbox.dev/creator'], 'alice');
      }
      const down = await tearDown(
        releases.map((release) => ({ namespace: NS, release })),
        { helm, env, kc, timeoutSeconds: 60 },
      );
      assert.equal(down.failed.length, 0, JSON.stringify(down.failed));
      for (const r of releases) assert.deepEqual(leftovers(c, r), [], r);
    });

    it('a missing RuntimeClass fails before anything is written, lists the available ones; the fallback installs', async () => {
      const values = home.path(`kata-${version}.yaml`);
      writeFileSync(
        values,
        'services:\n  default:\n    image: ubuntu:24.04\n    command: ["tail", "-f", "/dev/null"]\n    runtimeClassName: kata\n',
      );
      const release = rel('rc');
      const err = await installSandbox(request(release, values)).then(
        () => assert.fail('installed'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RuntimeClassError, String(err));
      assert.equal(err.reason, 'RuntimeClassMissing');
      assert.deepEqual(err.available, ['gvisor', 'runc']);
      assert.match(err.message, /"kata" not found.*service "default".*Available: gvisor, runc/);
      assert.deepEqual(leftovers(c, release), []);
      const ok = await installSandbox(request(release, values, { sets: fallbackSets(err.problems, 'runc') }));
      assert.equal(ok.status, 'deployed');
      assert.deepEqual(
        podsOf(c, release).map((p) => (p.spec as { runtimeClassName?: string }).runtimeClassName),
        ['runc'],
      );
      await tearDown([{ namespace: NS, release }], { helm, env, kc, timeoutSeconds: 60 });
      assert.deepEqual(leftovers(c, release), []);
    });

    it('a RuntimeClass whose nodeSelector matches no node is reported the same way', async () => {
      const api = kc.makeApiClient(NodeV1Api);
      const name = `pinned-${version.replace(/\D/g, '')}`;
      await api.createRuntimeClass({
        body: { metadata: { name }, handler: 'kata', scheduling: { nodeSelector: { 'sandbox.dev/kata': 'true' } } },
      });
      try {
        const values = home.path(`pinned-${version}.yaml`);
        writeFileSync(values, `services:\n  default:\n    image: ubuntu:24.04\n    runtimeClassName: ${name}\n`);
        await assert.rejects(installSandbox(request(rel('ns'), values)), (e: unknown) => {
          return (
            e instanceof RuntimeClassError &&
            e.reason === 'RuntimeClassUnschedulable' &&
            /matches no node .*sandbox\.dev\/kata/.test(e.message)
          );
        });
      } finally {
        await api.deleteRuntimeClass({ name });
      }
    });

    it("a timeout (pods never ready) reports helm's error and the pods' state, and leaves zero records and objects", async () => {
      const release = rel('to');
      onPod(release, (p) => {
        faults().neverReady(NS, p.metadata.name);
        return true;
      });
      const err = await installSandbox(
        request(release, join(FIXTURES, '05-allow-domains-ports-scoped-values.yaml'), { timeoutSeconds: 3 }),
      ).then(
        () => assert.fail('installed'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof InstallError, String(err));
      assert.equal(err.reason, 'InstallFailed');
      assert.equal(err.failure.reason, 'HelmTimeout');
      assert.equal(err.removed, true);
      assert.ok(
        err.diagnostics.some((d) => /running but not ready/.test(d)),
        err.diagnostics.join('\n'),
      );
      assert.match(err.message, /timed out.*The partial release was removed\./);
      assert.deepEqual(leftovers(c, release), []);
    });

    it('cancel mid-install removes the partial release', async () => {
      const release = rel('cx');
      const ac = new AbortController();
      onPod(release, () => {
        ac.abort();
        return true;
      });
      const err = await installSandbox(
        request(release, join(FIXTURES, '01-dns-multi-service-values.yaml'), { signal: ac.signal }),
      ).then(
        () => assert.fail('installed'),
        (e: unknown) => e,
      );
      assert.ok(SandboxError.is(err, 'Cancelled'), String(err));
      assert.ok(err instanceof InstallError && err.removed);
      assert.deepEqual(leftovers(c, release), []);
    });

    it('helm killed mid-install (SIGKILL): the objects are found by the release labels and removed', async () => {
      const release = rel('kl');
      let killed = 0;
      unsubscribe.push(
        c.store.subscribe((e) => {
          // Mid-install: the release record is pending and objects are being created.
          if (killed || e.resource.kind !== 'StatefulSet' || e.object.metadata.labels?.[INSTANCE] !== release) return;
          for (const pid of helmPids(release)) {
            process.kill(pid, 'SIGKILL');
            killed++;
          }
        }),
      );
      const err = await installSandbox(request(release, join(FIXTURES, '02-networks-values.yaml'))).then(
        () => assert.fail('installed'),
        (e: unknown) => e,
      );
      assert.ok(killed > 0, 'helm was killed');
      assert.match(String((err as InstallError).failure?.message), /SIGKILL/);
      assert.ok(err instanceof InstallError && err.removed, String(err));
      assert.deepEqual(leftovers(c, release), []);
    });

    it('a taken release name is refused before helm runs and the existing release is untouched', async () => {
      const release = rel('dup');
      await installSandbox(request(release, join(FIXTURES, '05-allow-domains-ports-scoped-values.yaml')));
      await assert.rejects(
        installSandbox(request(release, join(FIXTURES, '05-allow-domains-ports-scoped-values.yaml'))),
        (e: unknown) => SandboxError.is(e, 'InvalidInput'),
      );
      assert.equal((await runHelm(statusCommand(helm, { release, namespace: NS }), { env })).status, 'deployed');
      await tearDown([{ namespace: NS, release }], { helm, env, kc, timeoutSeconds: 60 });
    });

    it("Tear Down All Mine removes only the current identity's releases", async () => {
      const mine = rel('me');
      const theirs = rel('bob');
      const values = join(FIXTURES, '05-allow-domains-ports-scoped-values.yaml');
      await Promise.all([
        installSandbox(request(mine, values)),
        installSandbox(request(theirs, values, { creator: 'bob' })),
      ]);
      const { releases, scope } = await listMine(known('alice'), { helm, env, fallbackNamespace: NS });
      assert.equal(scope, 'all');
      assert.deepEqual(
        releases.map((r) => r.name),
        [mine],
      );
      // Every object of the release carries the creator label too (chart value `creator`).
      const objs = c.store
        .all()
        .map((x) => x.object)
        .filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === mine);
      assert.ok(
        objs.length > 0 && objs.every((o) => o.metadata.labels?.['k8s-sandbox.dev/creator'] === 'alice'),
        objs.map((o) => `${o.kind}/${o.metadata.name}`).join(),
      );
      // A user who may not list secrets cluster-wide falls back to their namespace.
      const restricted = c.writeKubeconfig(home.path('restricted-kubeconfig'), { user: 'restricted' });
      const limited = await listMine(known('alice'), {
        helm: { ...helm, kubeconfig: restricted },
        env: { ...env, KUBECONFIG: restricted },
        fallbackNamespace: c.restrictedNamespace,
      });
      assert.equal(limited.scope, c.restrictedNamespace);
      assert.deepEqual(
        limited.releases.map((r) => r.name),
        c.restrictedNamespace === NS ? [mine] : [],
      );
      await tearDown(
        releases.map((r) => ({ namespace: r.namespace, release: r.name })),
        { helm, env, kc, timeoutSeconds: 60 },
      );
      assert.deepEqual(leftovers(c, mine), []);
      assert.equal(
        (await runHelm(statusCommand(helm, { release: theirs, namespace: NS }), { env })).status,
        'deployed',
      );
      assert.ok(podsOf(c, theirs).every(ready));
      await tearDown([{ namespace: NS, release: theirs }], { helm, env, kc, timeoutSeconds: 60 });
    });
  });
}
