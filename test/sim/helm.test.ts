// Real Helm 3.18 and 4.1 against the sim: install --wait of the chart with every valid shared fixture, list,
// status, upgrade, uninstall --wait; a missing RuntimeClass and an expiring timeout fail as Helm reports them.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary, helmVersions, type HelmVersion } from '../support/tools';
import { startCluster, type SimCluster } from './cluster';
import { eventually, killAll, limited, run, ToolHome } from './testing/run';

const chart = join(__dirname, '..', '..', 'chart');
const fixturesDir = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'agent-env-values');
const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('-values.yaml'));

describe('sim: real helm', function () {
  this.timeout(240_000);
  let cluster: SimCluster;
  let home: ToolHome;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    cluster = await startCluster();
    home = new ToolHome();
    env = home.env(cluster.writeKubeconfig(home.path('kubeconfig')));
  });
  after(async () => {
    killAll();
    await cluster?.stop();
    home?.cleanup();
  });

  const helm = (v: HelmVersion, args: string[], timeoutMs?: number) => run(helmBinary(v), args, env, { timeoutMs });
  const left = (ns: string): string[] => {
    const kinds = [
      cluster.resources.statefulsets,
      cluster.resources.services,
      cluster.resources.configmaps,
      cluster.resources.ciliumnetworkpolicies,
      cluster.resources.persistentvolumeclaims,
      cluster.resources.secrets,
      cluster.resources.serviceaccounts,
    ];
    return kinds.flatMap((t) =>
      cluster.store
        .list(t, ns)
        .filter((o) => !(t === cluster.resources.serviceaccounts && o.metadata.name === 'default'))
        .map((o) => `${o.kind}/${o.metadata.name}`),
    );
  };

  it('finds the shared fixtures', () => assert.ok(fixtures.length >= 5, fixtures.join(',')));

  for (const v of helmVersions) {
    const waits = v.startsWith('4') ? ['--wait', '--wait=legacy'] : ['--wait'];
    for (const wait of waits) {
      it(`helm ${v} install ${wait}, list, status, upgrade, uninstall --wait with every valid fixture`, async () => {
        const tag = `${v.replace(/\./g, '')}${wait === '--wait' ? 'w' : 'l'}`;
        await limited(
          4,
          fixtures.map((f, i) => async () => {
            const ns = `h${tag}-${i}`;
            const rel = `r${i}`;
            const values = join(fixturesDir, f);
            const inst = await helm(v, [
              'install',
              rel,
              chart,
              '-n',
              ns,
              '--create-namespace',
              wait,
              '--timeout',
              '90s',
              '-f',
              values,
            ]);
            assert.equal(inst.code, 0, `${f}: ${inst.stderr}`);
            assert.match(inst.stdout, /STATUS: deployed/);
            const sts = cluster.store.list(cluster.resources.statefulsets, ns);
            assert.ok(sts.length > 0, `${f}: no StatefulSets`);
            for (const s of sts)
              assert.equal(
                (s.status as { readyReplicas?: number }).readyReplicas,
                (s.spec as { replicas?: number }).replicas ?? 1,
                `${f}: ${s.metadata.name} not ready`,
              );
            const list = await helm(v, ['list', '-n', ns, '-o', 'json']);
            assert.equal(list.code, 0, list.stderr);
            const rows = JSON.parse(list.stdout) as Array<{ name: string; status: string; revision: string }>;
            assert.deepEqual(
              rows.map((r) => [r.name, r.status, r.revision]),
              [[rel, 'deployed', '1']],
            );
            const status = await helm(v, ['status', rel, '-n', ns, '-o', 'json']);
            assert.equal(status.code, 0, status.stderr);
            assert.equal((JSON.parse(status.stdout) as { info: { status: string } }).info.status, 'deployed');
            const up = await helm(v, [
              'upgrade',
              rel,
              chart,
              '-n',
              ns,
              wait,
              '--timeout',
              '90s',
              '-f',
              values,
              '--set-string',
              'annotations.sim/upgraded=yes',
            ]);
            assert.equal(up.code, 0, `${f} upgrade: ${up.stderr}`);
            assert.match(up.stdout, /REVISION: 2/);
            const un = await helm(v, ['uninstall', rel, '-n', ns, '--wait', '--timeout', '60s']);
            assert.equal(un.code, 0, `${f} uninstall: ${un.stderr}`);
            assert.deepEqual(left(ns), [], `${f}: objects left after uninstall`);
            await eventually(() => cluster.store.list(cluster.resources.pods, ns).length === 0, `${f}: pods gone`);
          }),
        );
      });
    }
  }
});

describe('sim: real helm failures', function () {
  this.timeout(120_000);
  let cluster: SimCluster;
  let home: ToolHome;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // No gvisor RuntimeClass, and one whose nodes do not exist (pods stay Pending).
    cluster = await startCluster({
      runtimeClasses: [
        { name: 'runc', handler: 'runc' },
        { name: 'kata', handler: 'kata', nodeSelector: { 'sim/kata': 'true' } },
      ],
    });
    home = new ToolHome();
    env = home.env(cluster.writeKubeconfig(home.path('kubeconfig')));
  });
  after(async () => {
    killAll();
    await cluster?.stop();
    home?.cleanup();
  });

  for (const v of helmVersions) {
    const tag = v.replace(/\./g, '');
    it(`helm ${v}: a missing RuntimeClass and an expiring --timeout fail the install`, async () => {
      const missingNs = `miss${tag}`;
      const slowNs = `slow${tag}`;
      const [missing, slow] = await Promise.all([
        run(
          helmBinary(v),
          ['install', 'r', chart, '-n', missingNs, '--create-namespace', '--wait', '--timeout', '6s'],
          env,
        ),
        run(
          helmBinary(v),
          [
            'install',
            'r',
            chart,
            '-n',
            slowNs,
            '--create-namespace',
            '--wait',
            '--timeout',
            '5s',
            '--set',
            'services.default.runtimeClassName=kata',
          ],
          env,
        ),
      ]);
      // Helm sees only a workload that never gets ready; the admission error is in the events.
      const notReady = (ns: string): RegExp =>
        v.startsWith('3')
          ? /Error: INSTALLATION FAILED: context deadline exceeded/
          : new RegExp(
              `Error: INSTALLATION FAILED: resource StatefulSet/${ns}/r-default not ready. status: InProgress, message: (Replicas|Ready): 0/1\ncontext deadline exceeded`,
            );
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, notReady(missingNs));
      const events = cluster.store.list(cluster.resources.events, missingNs).filter((e) => e.reason === 'FailedCreate');
      assert.ok(events.length > 0, 'FailedCreate event');
      assert.match(
        String(events[0].message),
        /pods "r-default-0" is forbidden: pod rejected: RuntimeClass "gvisor" not found/,
      );
      const list = JSON.parse(
        (await run(helmBinary(v), ['list', '-n', missingNs, '-o', 'json'], env)).stdout,
      ) as Array<{ status: string }>;
      assert.equal(list[0].status, 'failed');

      // A RuntimeClass whose nodes do not exist: pods stay Pending (Unschedulable) until the timeout.
      assert.notEqual(slow.code, 0);
      assert.match(slow.stderr, notReady(slowNs));
      const pod = cluster.store.get(cluster.resources.pods, slowNs, 'r-default-0');
      const cond = (pod?.status as { conditions?: Array<{ type: string; reason?: string }> }).conditions?.find(
        (c) => c.type === 'PodScheduled',
      );
      assert.equal(cond?.reason, 'Unschedulable');
    });
  }
});
