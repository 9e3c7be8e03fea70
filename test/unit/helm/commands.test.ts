import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SandboxError } from '../../../src/core/errors';
import {
  installCommand,
  listCommand,
  parseList,
  parseStatus,
  parseVersion,
  statusCommand,
  templateCommand,
  uninstallCommand,
  upgradeRiskLevelCommand,
  waitFlag,
  type HelmBinary,
} from '../../../src/core/helm/commands';
import { runHelm, runProcess } from '../../../src/core/helm/runner';
import { detectHelm, findHelm } from '../../../src/core/helm/locate';
import { runtimeClassesInManifest, fallbackSets } from '../../../src/core/helm/runtimeClasses';
import { kindsInManifest } from '../../../src/core/helm/cleanup';
import { helmBinary, helmVersions } from '../../support/tools';
import { agentEnvValuesDir } from '../../support/shared';

const h3: HelmBinary = { path: '/usr/bin/helm', version: '3.18.0', major: 3, minor: 18 };
const h4: HelmBinary = { path: '/usr/bin/helm', version: '4.1.4', major: 4, minor: 1 };
const chart = join(__dirname, 'fixtures', 'mini');
const fixtures = agentEnvValuesDir;
const invalid = (f: () => unknown) => assert.throws(f, (e: unknown) => SandboxError.is(e, 'InvalidInput'));

describe('helm command builders', () => {
  it('install: helm 3 --wait, helm 4 --wait=legacy (with =), flags before `--`, positionals after', () => {
    const base = {
      release: 'r1',
      chart: '/c',
      namespace: 'ns',
      valuesFiles: ['/v.yaml'],
      timeoutSeconds: 90,
      labels: { inspectSandbox: 'true', 'k8s-sandbox.dev/creator': 'alice' },
    };
    const c3 = installCommand({ helm: h3, kubeconfig: '/k', kubeContext: 'ctx' }, base);
    assert.deepEqual(c3.args, [
      'install',
      '--kubeconfig=/k',
      '--kube-context=ctx',
      '--namespace=ns',
      '--wait',
      '--timeout=90s',
      '--values=/v.yaml',
      '--labels=inspectSandbox=true,k8s-sandbox.dev/creator=alice',
      '--output=json',
      '--',
      'r1',
      '/c',
    ]);
    const c4 = installCommand(
      { helm: h4 },
      { ...base, sets: { 'services.default.runtimeClassName': 'CLUSTER_DEFAULT' } },
    );
    assert.ok(c4.args.includes('--wait=legacy'));
    assert.ok(!c4.args.includes('--debug'));
    assert.ok(installCommand({ helm: h4 }, { ...base, debug: true }).args.includes('--debug'));
    assert.ok(!c4.args.includes('--wait'));
    assert.ok(c4.args.includes('--set=services.default.runtimeClassName=CLUSTER_DEFAULT'));
    assert.equal(waitFlag(h3), '--wait');
    assert.equal(waitFlag(h4), '--wait=legacy');
  });

  it('refuses hostile input before building anything', () => {
    const t = { helm: h3 };
    const base = { release: 'r1', chart: '/c', namespace: 'ns', valuesFiles: [], timeoutSeconds: 60 };
    invalid(() => installCommand(t, { ...base, release: '--debug' }));
    invalid(() => installCommand(t, { ...base, namespace: 'a;b' }));
    invalid(() => installCommand(t, { ...base, chart: '-rf' }));
    invalid(() => installCommand(t, { ...base, valuesFiles: ['relative.yaml'] }));
    invalid(() => installCommand(t, { ...base, timeoutSeconds: 0 }));
    invalid(() => installCommand(t, { ...base, sets: { 'a,b': 'x' } }));
    invalid(() => installCommand(t, { ...base, sets: { a: 'x,y=z' } }));
    invalid(() => installCommand(t, { ...base, labels: { creator: 'a b' } }));
    invalid(() => uninstallCommand(t, { release: 'a b', namespace: 'ns', timeoutSeconds: 5 }));
    invalid(() => listCommand(t, { selector: { x: 'a,b' } }));
    invalid(() =>
      upgradeRiskLevelCommand(t, {
        release: 'r',
        namespace: 'n',
        chart: '/c',
        riskLevel: 'extreme' as never,
        timeoutSeconds: 5,
      }),
    );
  });

  it('uninstall waits and ignores a missing release; list covers all states and namespaces', () => {
    assert.deepEqual(uninstallCommand({ helm: h4 }, { release: 'r1', namespace: 'ns', timeoutSeconds: 30 }).args, [
      'uninstall',
      '--namespace=ns',
      '--wait=legacy',
      '--timeout=30s',
      '--ignore-not-found',
      '--',
      'r1',
    ]);
    assert.deepEqual(listCommand({ helm: h3 }, { selector: { a: 'b' } }).args, [
      'list',
      '--output=json',
      '--max=0',
      '--all-namespaces',
      '--all',
      '--selector=a=b',
    ]);
    assert.deepEqual(listCommand({ helm: h4 }, { namespace: 'ns' }).args, [
      'list',
      '--namespace=ns',
      '--output=json',
      '--max=0',
    ]);
    assert.deepEqual(statusCommand({ helm: h3 }, { release: 'r1', namespace: 'ns' }).args, [
      'status',
      '--namespace=ns',
      '--output=json',
      '--',
      'r1',
    ]);
    const up = upgradeRiskLevelCommand(
      { helm: h3 },
      { release: 'r1', namespace: 'ns', chart: '/c', riskLevel: 'high', timeoutSeconds: 60 },
    ).args;
    assert.ok(up.includes('--reuse-values') && up.includes('--set=timeouts.riskLevel=high'));
  });

  it('parsers: version, list (revision as a string), status', () => {
    assert.deepEqual(parseVersion('v3.18.0+gcc58e3f\n'), { version: '3.18.0', major: 3, minor: 18 });
    assert.deepEqual(parseVersion('v4.1.4+g05fa379'), { version: '4.1.4', major: 4, minor: 1 });
    assert.throws(
      () => parseVersion('nonsense'),
      (e: unknown) => SandboxError.is(e, 'HelmFailed'),
    );
    const list = parseList(
      '[{"name":"r1","namespace":"ns","revision":"2","updated":"x","status":"deployed","chart":"mini-0.1.0","app_version":""}]',
    );
    assert.deepEqual(list[0], {
      name: 'r1',
      namespace: 'ns',
      revision: 2,
      status: 'deployed',
      chart: 'mini-0.1.0',
      appVersion: '',
      updated: 'x',
    });
    assert.deepEqual(parseList(''), []);
    assert.throws(
      () => parseList('{'),
      (e: unknown) => SandboxError.is(e, 'HelmFailed'),
    );
    assert.deepEqual(
      parseStatus(
        '{"name":"r1","namespace":"ns","version":1,"info":{"status":"deployed","description":"Install complete"}}',
      ),
      {
        name: 'r1',
        namespace: 'ns',
        version: 1,
        status: 'deployed',
        description: 'Install complete',
      },
    );
  });
});

describe('helm with the real binaries (no cluster)', () => {
  for (const v of helmVersions) {
    it(`helm ${v}: version detected; template renders; runtime classes and kinds read from the output`, async () => {
      const bin = await detectHelm(helmBinary(v));
      assert.equal(bin.version, v);
      const values = join(fixtures, '03-runtime-class-values.yaml');
      const manifest = await runHelm(
        templateCommand({ helm: bin }, { release: 'r1', namespace: 'ns', chart, valuesFiles: [values] }),
      );
      const uses = runtimeClassesInManifest(manifest);
      const byService = Object.fromEntries(uses.map((u) => [u.service, u.runtimeClass]));
      // unset → chart default gvisor; CLUSTER_DEFAULT → field omitted.
      assert.deepEqual(byService, {
        default: 'gvisor',
        'gvisor-specified': 'gvisor',
        'runc-specified': 'runc',
        unspecified: 'gvisor',
      });
      const fixed = await runHelm(
        templateCommand(
          { helm: bin },
          {
            release: 'r1',
            namespace: 'ns',
            chart,
            valuesFiles: [values],
            sets: fallbackSets(
              uses.filter((u) => u.runtimeClass === 'gvisor').map((u) => ({ ...u, problem: 'missing' as const })),
              'runc',
            ),
          },
        ),
      );
      assert.deepEqual([...new Set(runtimeClassesInManifest(fixed).map((u) => u.runtimeClass))], ['runc']);
      assert.deepEqual(
        kindsInManifest(manifest)
          .map((k) => k.kind)
          .sort(),
        ['PersistentVolumeClaim', 'Pod', 'Service', 'StatefulSet'],
      );
    });

    it(`helm ${v}: a helm error becomes a typed HelmFailed with helm's message`, async () => {
      const bin = await detectHelm(helmBinary(v));
      await assert.rejects(
        runHelm(
          templateCommand(
            { helm: bin },
            { release: 'r1', namespace: 'ns', chart: '/nonexistent-chart', valuesFiles: [] },
          ),
        ),
        (e: unknown) => {
          return SandboxError.is(e, 'HelmFailed') && /nonexistent-chart/.test(e.message);
        },
      );
    });
  }

  it('findHelm: configured path, else PATH; a clear HelmNotFound with an install hint otherwise', () => {
    const path = helmBinary('3.18.0');
    assert.equal(findHelm(path, ''), path);
    assert.equal(findHelm('', `relative:${join(path, '..')}`), path);
    for (const f of [
      () => findHelm('', '/nonexistent'),
      () => findHelm('/nonexistent/helm', ''),
      () => findHelm('helm', ''),
    ]) {
      assert.throws(f, (e: unknown) => SandboxError.is(e, 'HelmNotFound') && /helm\.sh|helmPath/.test(e.hint ?? ''));
    }
  });
});

describe('process runner', () => {
  const node = process.execPath;
  it('streams lines to the sink and returns the outcome', async () => {
    const lines: string[] = [];
    const out = await runProcess(
      { command: node, args: ['-e', 'console.log("a\\nb"); console.error("c"); process.exit(3)'] },
      { sink: (l, s) => lines.push(`${s}:${l}`) },
    );
    assert.equal(out.code, 3);
    assert.deepEqual(lines.sort(), ['stderr:c', 'stdout:a', 'stdout:b']);
  });

  it('cancel: SIGTERM, then SIGKILL for a process that ignores it; rejects with Cancelled', async () => {
    const ac = new AbortController();
    const p = runProcess(
      {
        command: node,
        args: ['-e', 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'],
      },
      { signal: ac.signal, killGraceMs: 200, sink: () => ac.abort() },
    );
    await assert.rejects(p, (e: unknown) => SandboxError.is(e, 'Cancelled'));
  });

  it('a missing binary is HelmNotFound', async () => {
    await assert.rejects(runProcess({ command: '/nonexistent/helm', args: [] }), (e: unknown) =>
      SandboxError.is(e, 'HelmNotFound'),
    );
  });
});
