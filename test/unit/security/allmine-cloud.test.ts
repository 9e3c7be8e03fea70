// Issue 16: on EKS and GKE every engineer's kubeconfig names the user after the cluster. "Mine" must follow who
// the API server says the caller is (SelfSubjectReview through the exec credential plugin's token): the real
// Tear Down All Mine command removes only the caller's releases, never the colleague's or inspect_k8s_sandbox's,
// and refuses (deleting nothing) when the server cannot say who the caller is.
import { strict as assert } from 'node:assert';
import { installSandbox } from '../../../src/core/helm/install';
import { runHelm } from '../../../src/core/helm/runner';
import { listCommand } from '../../../src/core/helm/commands';
import { ClusterAccess } from '../../../src/core/kube/clusterAccess';
import { creatorIdOf } from '../../../src/core/kube/identity';
import { SandboxError } from '../../../src/core/errors';
import { ValuesFileRecords } from '../../../src/valuesFiles';
import { MemoryState } from '../../support/memoryState';
import { helmBinary } from '../../support/tools';
import { writeCloudKubeconfig, type CloudShape } from '../../sim/cloudKubeconfig';
import { fixture, helmSetup, leftovers, type HelmSetup } from '../reliability/support/helm';
import { ServerProbe } from '../reliability/support/probe';
import { SimEnv } from '../reliability/support/stack';
import { installVscodeStub } from './support/vscodeStub';

describe('security: Tear Down All Mine with EKS/GKE-shaped kubeconfigs (one user name, two people)', function () {
  this.timeout(180_000);
  const env = new SimEnv();
  let probe: ServerProbe;
  let h: HelmSetup;
  let stub: ReturnType<typeof installVscodeStub>;
  const log = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    line: () => undefined,
    show: () => undefined,
  };

  before(async () => {
    const c = await env.start();
    probe = new ServerProbe(c.port);
    h = await helmSetup(c, '3.18.0');
    stub = installVscodeStub({ helmPath: helmBinary('3.18.0') }, (_m, buttons) =>
      buttons.find((b) => /Tear Down/.test(b)),
    );
  });
  after(async () => {
    stub?.uninstall();
    probe?.dispose();
    h?.home.cleanup();
    await env.stop();
  });

  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the vscode stub */
  const command = () =>
    (
      require('../../../src/features/commands/tearDownAllMine') as typeof import('../../../src/features/commands/tearDownAllMine')
    ).tearDownAllMine;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const secretsOf = (release: string) =>
    env.cluster.store
      .list(env.cluster.resources.secrets, 'default')
      .filter((s) => s.metadata.labels?.owner === 'helm' && s.metadata.labels?.name === release);

  for (const shape of ['eks', 'gke'] as const satisfies readonly CloudShape[]) {
    it(`${shape}: All Mine removes only the caller's releases`, async () => {
      const c = env.cluster;
      const values = fixture('05-allow-domains-ports-scoped-values.yaml');
      const people = ['alice', 'bob'].map((person) => {
        const kubeconfig = writeCloudKubeconfig(c, env.dir, shape, person);
        return { person, kubeconfig, access: new ClusterAccess({ source: () => ({ setting: kubeconfig }) }) };
      });
      const [alice, bob] = people;
      assert.equal(alice.access.require().user, bob.access.require().user, 'the same kubeconfig user name');
      const whos = await Promise.all(people.map((p) => p.access.whoAmI()));
      assert.ok(whos.every((w) => w.known));
      const creators = whos.map((w) => (w.known ? w.identity.creator : ''));
      assert.notEqual(creators[0], creators[1]);
      assert.equal(
        creators[0],
        creatorIdOf(
          shape === 'eks' ? 'arn:aws:sts::111122223333:assumed-role/EvalsEngineer/alice' : 'alice@example.com',
        ),
      );

      // Each person installs with their own kubeconfig (helm runs the exec plugin too).
      const installs: Array<[string, number]> = [
        [`${shape}-a1`, 0],
        [`${shape}-a2`, 0],
        [`${shape}-b1`, 1],
      ];
      await Promise.all(
        installs.map(([release, i]) => {
          const p = people[i];
          return installSandbox({
            ...h.request(release, values),
            helm: { ...h.helm, kubeconfig: p.kubeconfig },
            kc: p.access.kubeConfig,
            creator: creators[i],
          });
        }),
      );
      // inspect_k8s_sandbox's release: inspectSandbox=true, no creator.
      const inspect = `${shape}-inspect`;
      await runHelm(
        {
          command: h.helm.helm.path,
          args: [
            'install',
            `--kubeconfig=${alice.kubeconfig}`,
            '--namespace=default',
            '--wait',
            '--labels=inspectSandbox=true',
            `--values=${values}`,
            '--',
            inspect,
            h.request('x', values).chart,
          ],
          parse: (s) => s,
        },
        { env: h.env },
      );

      const mark = probe.mark;
      await command()({
        services: { cluster: alice.access, log, valuesFiles: new ValuesFileRecords(new MemoryState()) },
        extensionPath: '/nonexistent',
      });
      const asked = stub.recorded.shown.find(
        (m) => /Tear down all/.test(m) && m.includes(shape === 'eks' ? 'EvalsEngineer/alice' : 'alice@example.com'),
      );
      assert.ok(
        asked && /Tear down all 2 sandboxes/.test(asked),
        `the confirmation names the count and the server's user name: ${stub.recorded.shown.join(' | ')}`,
      );
      for (const r of [`${shape}-a1`, `${shape}-a2`]) {
        assert.deepEqual(secretsOf(r), [], `${r}: no release record left`);
        assert.deepEqual(leftovers(c, r), [], `${r}: nothing left`);
      }
      const listed = await runHelm(listCommand({ ...h.helm, kubeconfig: bob.kubeconfig }, { namespace: 'default' }), {
        env: h.env,
      });
      for (const r of [`${shape}-b1`, inspect]) {
        assert.ok(
          listed.some((x) => x.name === r && x.status === 'deployed'),
          `${r} still deployed (helm list)`,
        );
        assert.equal(secretsOf(r).length, 1, `${r}: its release record remains`);
      }
      const deleted = probe.since(mark).filter((q) => q.method === 'DELETE');
      assert.ok(
        deleted.every((q) => !q.path.includes(`${shape}-b1`) && !q.path.includes(inspect)),
        'no DELETE touched the colleague or inspect',
      );
      for (const p of people) p.access.dispose();
    });
  }

  it('refuses, deleting nothing, when the server cannot say who the caller is', async () => {
    const c = env.cluster;
    const values = fixture('05-allow-domains-ports-scoped-values.yaml');
    const kubeconfig = writeCloudKubeconfig(c, env.dir, 'eks', 'carol');
    const access = new ClusterAccess({ source: () => ({ setting: kubeconfig }) });
    const who = await access.whoAmI();
    assert.ok(who.known);
    await installSandbox({
      ...h.request('carol1', values),
      helm: { ...h.helm, kubeconfig },
      kc: access.kubeConfig,
      creator: who.identity.creator,
    });
    try {
      for (const [setup, why] of [
        [() => c.faults.serveSelfSubjectReview('none'), /does not serve SelfSubjectReview/],
        [() => undefined, /refused SelfSubjectReview \(403/],
      ] as const) {
        setup();
        // A fresh context load (reload clears the cache); the 403 case: a person whose RBAC lacks the review.
        const k = why.source.includes('403')
          ? writeCloudKubeconfig(c, env.dir, 'eks', 'dave', { user: { denySelfReview: true } })
          : kubeconfig;
        const a = new ClusterAccess({ source: () => ({ setting: k }) });
        const mark = probe.mark;
        await assert.rejects(
          command()({
            services: { cluster: a, log, valuesFiles: new ValuesFileRecords(new MemoryState()) },
            extensionPath: '/nonexistent',
          }),
          (e: unknown) =>
            SandboxError.is(e, 'IdentityUnknown') && why.test(e.message) && /one by one/.test(e.hint ?? ''),
        );
        assert.deepEqual(
          probe.since(mark).filter((q) => q.method === 'DELETE'),
          [],
        );
        a.dispose();
        c.faults.serveSelfSubjectReview('v1');
      }
      assert.equal(secretsOf('carol1').length, 1, 'the release is untouched');
    } finally {
      c.faults.serveSelfSubjectReview('v1');
      access.dispose();
    }
  });
});
