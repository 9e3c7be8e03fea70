// Issue 10: "Tear Down All Mine never touches a release created by another identity; nothing deletes a
// namespace." The real command (features/commands/tearDownAllMine over a recording vscode stub that confirms)
// runs against the simulated cluster with releases of several identities in several namespaces, including
// look-alike identities and a release with no creator label; every API call is watched for deletes.
import { strict as assert } from 'node:assert';
import { installSandbox } from '../../../src/core/helm/install';
import { runHelm } from '../../../src/core/helm/runner';
import { statusCommand } from '../../../src/core/helm/commands';
import { ClusterAccess } from '../../../src/core/kube/clusterAccess';
import { creatorIdOf } from '../../../src/core/kube/identity';
import { helmBinary } from '../../support/tools';
import { MemoryState } from '../../support/memoryState';
import { ValuesFileRecords } from '../../../src/valuesFiles';
import { fixture, helmSetup, isReady, leftovers, podsOf, type HelmSetup } from '../reliability/support/helm';
import { ServerProbe } from '../reliability/support/probe';
import { SimEnv } from '../reliability/support/stack';
import { installVscodeStub } from './support/vscodeStub';

describe('security: Tear Down All Mine stays within its identity; nothing deletes a namespace', function () {
  this.timeout(180_000);
  const env = new SimEnv();
  let probe: ServerProbe;
  let h: HelmSetup;
  let stub: ReturnType<typeof installVscodeStub>;

  before(async () => {
    const c = await env.start();
    probe = new ServerProbe(c.port);
    h = await helmSetup(c, '3.18.0');
    stub = installVscodeStub({ helmPath: helmBinary('3.18.0'), kubeconfig: h.kubeconfig }, (_m, buttons) =>
      buttons.find((b) => /Tear Down/.test(b)),
    );
  });
  after(async () => {
    stub?.uninstall();
    probe?.dispose();
    h?.home.cleanup();
    await env.stop();
  });

  it("removes exactly the current identity's sandboxes, in every namespace, and leaves look-alikes and others untouched", async () => {
    const c = env.cluster;
    const access = new ClusterAccess({ source: () => ({ setting: h.kubeconfig }) });
    const who = await access.whoAmI(); // from the API server (SelfSubjectReview)
    assert.ok(who.known);
    const me = who.identity.creator;
    assert.equal(me, creatorIdOf('sim-admin'));
    const values = fixture('05-allow-domains-ports-scoped-values.yaml');
    // [release, namespace, creator identity]; same names in different namespaces on purpose.
    const plan: Array<[string, string, string]> = [
      ['mine-a', 'default', me],
      ['mine-b', 'team-a', me],
      ['shared', 'default', me],
      ['shared', 'team-a', 'bob'],
      ['bob-a', 'default', 'bob'],
      ['prefix', 'default', `${me}-2`],
      ['upper', 'team-a', 'Sim-Admin'],
      ['guess', 'default', 'sim-admin'], // what a kubeconfig-user guess would have labelled
    ];
    for (const ns of ['team-a'])
      c.store.create(c.resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await Promise.all(
      plan.map(([release, namespace, identity]) =>
        installSandbox({ ...h.request(release, values), namespace, creator: identity }),
      ),
    );
    // Releases installed by plain helm and by inspect_k8s_sandbox (labelled inspectSandbox=true): no creator label.
    await runHelm(
      {
        command: h.helm.helm.path,
        args: [
          'install',
          `--kubeconfig=${h.kubeconfig}`,
          '--namespace=default',
          '--wait',
          `--values=${values}`,
          '--',
          'plain',
          h.request('x', values).chart,
        ],
        parse: (s) => s,
      },
      { env: h.env },
    );
    await runHelm(
      {
        command: h.helm.helm.path,
        args: [
          'install',
          `--kubeconfig=${h.kubeconfig}`,
          '--namespace=default',
          '--wait',
          '--labels=inspectSandbox=true',
          `--values=${values}`,
          '--',
          'inspect',
          h.request('x', values).chart,
        ],
        parse: (s) => s,
      },
      { env: h.env },
    );
    const uidsBefore = (rel: string, ns: string) =>
      podsOf(c, rel, ns)
        .map((p) => p.metadata.uid)
        .sort();
    const others: Array<[string, string]> = [
      ['shared', 'team-a'],
      ['bob-a', 'default'],
      ['prefix', 'default'],
      ['upper', 'team-a'],
      ['guess', 'default'],
      ['plain', 'default'],
      ['inspect', 'default'],
    ];
    const before = new Map(others.map(([r, ns]) => [`${ns}/${r}`, uidsBefore(r, ns)]));
    const mark = probe.mark;

    /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the vscode stub */
    const { tearDownAllMine } =
      require('../../../src/features/commands/tearDownAllMine') as typeof import('../../../src/features/commands/tearDownAllMine');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const log = {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      line: () => undefined,
      show: () => undefined,
    };
    // Each release remembers its values file; tear down forgets those of the removed releases only.
    const valuesFiles = new ValuesFileRecords(new MemoryState());
    const context = access.require().context;
    const all = [['mine-a', 'default'], ['mine-b', 'team-a'], ['shared', 'default'], ...others];
    for (const [release, namespace] of all) await valuesFiles.set({ context, namespace, release }, values);
    await tearDownAllMine({ services: { cluster: access, log, valuesFiles }, extensionPath: '/nonexistent' });
    const remembered = all
      .filter(([release, namespace]) => valuesFiles.get({ context, namespace, release }) === values)
      .map(([r, ns]) => `${ns}/${r}`);
    assert.deepEqual(
      remembered.sort(),
      others.map(([r, ns]) => `${ns}/${r}`).sort(),
      'values-file records kept exactly for the releases left',
    );
    access.dispose();

    const asked = stub.recorded.shown.find((m) => /Tear down all/.test(m));
    assert.match(
      asked ?? '',
      /Tear down all 3 sandboxes created by sim-admin\?/,
      'the confirmation names the count and the identity',
    );
    for (const [release, namespace] of [
      ['mine-a', 'default'],
      ['mine-b', 'team-a'],
      ['shared', 'default'],
    ]) {
      assert.deepEqual(
        leftovers(c, release).filter((x) => x.includes(`/${namespace}/`)),
        [],
        `${namespace}/${release} removed`,
      );
    }
    for (const [release, namespace] of others) {
      const st = await runHelm(statusCommand(h.helm, { release, namespace }), { env: h.env });
      assert.equal(st.status, 'deployed', `${namespace}/${release} untouched`);
      const pods = podsOf(c, release, namespace);
      assert.ok(pods.length > 0 && pods.every(isReady), `${namespace}/${release} pods still ready`);
      assert.deepEqual(
        uidsBefore(release, namespace),
        before.get(`${namespace}/${release}`),
        `${namespace}/${release}: the same pods`,
      );
    }
    const deletes = probe.since(mark).filter((r) => r.method === 'DELETE');
    assert.deepEqual(probe.namespaceDeletes(), [], 'no namespace was deleted');
    assert.deepEqual(
      deletes.filter((r) => !/\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(r.path)),
      [],
      'every DELETE named one object (no collection delete)',
    );
    assert.ok(deletes.every((r) => /\/namespaces\/(default|team-a)\//.test(r.path)));
    assert.ok(
      c.store.get(c.resources.namespaces, undefined, 'team-a') &&
        c.store.get(c.resources.namespaces, undefined, 'default'),
      'both namespaces still exist',
    );
  });
});
