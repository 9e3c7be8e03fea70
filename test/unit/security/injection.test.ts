// Issue 10, bad input: names with shell metacharacters, option injection (`--set`, a leading `-`), path
// traversal in values paths — all refused before any process starts. child_process is spied on: a refused
// request must not have started anything. Where a process does start, every value is one argument.
import { strict as assert } from 'node:assert';
import childProcess from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { installCommand, listCommand, uninstallCommand, type HelmTarget } from '../../../src/core/helm/commands';
import { installSandbox } from '../../../src/core/helm/install';
import { detectHelm } from '../../../src/core/helm/locate';
import { runHelm } from '../../../src/core/helm/runner';
import { listMine, tearDown } from '../../../src/core/helm/teardown';
import { runCommand } from '../../../src/core/exec/runCommand';
import { addEphemeralContainer } from '../../../src/core/exec/ephemeral';
import { asUserCommand } from '../../../src/core/exec/shellSession';
import { validateNamespace, validateReleaseName, validateUserName } from '../../../src/core/names/validate';
import { resolveValuesPath } from '../../../src/core/names/valuesPath';
import { SandboxError } from '../../../src/core/errors';
import { helmBinary } from '../../support/tools';
import { CHART } from '../reliability/support/helm';

const FUNCS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
type Cp = Record<(typeof FUNCS)[number], (...a: unknown[]) => unknown>;

/** Records every child_process call while active (and still lets it happen). */
class ProcessSpy {
  readonly calls: Array<{ fn: string; args: unknown[] }> = [];
  private readonly real: Partial<Cp> = {};
  start(): void {
    this.calls.length = 0;
    const cp = childProcess as unknown as Cp;
    for (const fn of FUNCS) {
      const orig = cp[fn];
      this.real[fn] = orig;
      cp[fn] = (...args: unknown[]) => {
        this.calls.push({ fn, args });
        return orig(...args);
      };
    }
  }
  stop(): void {
    const cp = childProcess as unknown as Cp;
    for (const fn of FUNCS) if (this.real[fn]) cp[fn] = this.real[fn]!;
  }
}

/** Names an attacker (or a typo) might give. */
const HOSTILE_NAMES = [
  'a;rm -rf /',
  '$(id)',
  '`id`',
  'a|b',
  'a&&b',
  'a>b',
  "a'b",
  'a"b',
  'a b',
  'a\nb',
  '--set=x=y',
  '-n',
  '--kubeconfig=/etc/passwd',
  '-',
  '--',
  '../x',
  '..',
  '/etc',
  'a/b',
  'A',
  'a_b',
  'a.b',
  '*',
  '~',
  '$HOME',
  '',
  'x'.repeat(64),
  'é',
  'a\u0000b',
  '-a',
];

const rejected = (e: unknown): boolean => SandboxError.is(e, 'InvalidInput');

describe('security: injection is refused before any process starts', function () {
  this.timeout(30_000);
  const spy = new ProcessSpy();
  let dir: string;
  let values: string;
  let helm: HelmTarget;
  const kc = new KubeConfig();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'injection-'));
    values = join(dir, 'values.yaml');
    writeFileSync(values, 'services:\n  default:\n    image: busybox\n');
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    helm = { helm: await detectHelm(helmBinary('3.18.0')), kubeconfig: join(dir, 'kubeconfig') };
  });
  beforeEach(() => spy.start());
  afterEach(() => spy.stop());
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => ({
    helm,
    kc,
    release: 'okname',
    namespace: 'default',
    chart: CHART,
    valuesFiles: [values],
    creator: 'alice',
    timeoutSeconds: 60,
  });

  it('install: hostile release names, namespaces, value overrides, values paths, identities and timeouts', async () => {
    const attempts: Array<[string, Partial<ReturnType<typeof base>> & { sets?: Record<string, string> }]> = [
      ...HOSTILE_NAMES.map((n): [string, { release: string }] => [`release ${JSON.stringify(n)}`, { release: n }]),
      ...HOSTILE_NAMES.map((n): [string, { namespace: string }] => [
        `namespace ${JSON.stringify(n)}`,
        { namespace: n },
      ]),
      ['--set injection in a value', { sets: { 'services.default.image': 'x,services.default.privileged=true' } }],
      ['--set injection in a key', { sets: { 'a=b,c': 'd' } }],
      ['option as a set key', { sets: { '--post-renderer': '/bin/sh' } }],
      ['shell in a set value', { sets: { 'services.default.image': '$(id)' } }],
      ['relative values path', { valuesFiles: ['values.yaml'] }],
      ['values path that is an option', { valuesFiles: ['-f'] }],
      ['values path with an option', { valuesFiles: ['--post-renderer=/bin/sh'] }],
      ['relative chart', { chart: 'chart' }],
      ['creator with selector syntax', { creator: 'alice,inspectSandbox!=true' }],
      ['creator with a shell', { creator: '$(id)' }],
      ['timeout that is not a number', { timeoutSeconds: Number.NaN }],
      ['negative timeout', { timeoutSeconds: -5 }],
    ];
    for (const [what, patch] of attempts) {
      const err = await installSandbox({ ...base(), ...patch }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(rejected(err), `${what}: ${String(err)}`);
      assert.match((err as Error).message, /Invalid|Expected an absolute path|positive number/, what);
    }
    assert.deepEqual(spy.calls, [], 'no process was started for any of them');
  });

  it('tear down and "mine": hostile names and identities are refused before helm runs', async () => {
    for (const n of HOSTILE_NAMES) {
      await assert.rejects(
        tearDown([{ namespace: 'default', release: n }], { helm, timeoutSeconds: 10 }),
        rejected,
        `release ${JSON.stringify(n)}`,
      );
      await assert.rejects(
        tearDown([{ namespace: n, release: 'okname' }], { helm, timeoutSeconds: 10 }),
        rejected,
        `namespace ${JSON.stringify(n)}`,
      );
    }
    for (const id of ['a,b', 'a=b', 'x!=y', '$(id)', ' ', 'a b']) {
      await assert.rejects(
        listMine(
          { known: true, identity: { username: id, groups: [], creator: id } },
          { helm, fallbackNamespace: 'default' },
        ),
        rejected,
        `identity ${JSON.stringify(id)}`,
      );
    }
    assert.deepEqual(spy.calls, []);
  });

  it('exec paths: hostile pods, containers, users and images are refused before anything is sent or run', async () => {
    for (const n of HOSTILE_NAMES) {
      // Pod names are DNS subdomains: "a.b" and 64 characters are valid ones.
      if (n !== 'a.b' && n.length <= 63)
        await assert.rejects(
          runCommand(kc, { namespace: 'default', pod: n, container: 'main' }, ['true'], { timeoutSeconds: 5 }),
          rejected,
          `pod ${JSON.stringify(n)}`,
        );
      await assert.rejects(
        runCommand(kc, { namespace: 'default', pod: 'p', container: n }, ['true'], { timeoutSeconds: 5 }),
        rejected,
        `container ${JSON.stringify(n)}`,
      );
      assert.throws(
        () => validateUserName(n === 'a_b' || n === 'A' || n === 'a.b' ? '-x' : n),
        rejected,
        `user ${JSON.stringify(n)}`,
      );
    }
    for (const image of ['busybox; rm -rf /', '$(id)', 'a b', '--privileged', 'UPPER/x']) {
      await assert.rejects(
        addEphemeralContainer(kc, { namespace: 'default', pod: 'p', targetContainer: 'main', image }),
        rejected,
        `image ${image}`,
      );
    }
    // The user for Open Terminal as User travels as "$1" of a fixed script, never inside it.
    const cmd = asUserCommand('nobody');
    assert.equal(cmd[cmd.length - 1], 'nobody');
    assert.ok(!cmd[2].includes('nobody'));
    assert.deepEqual(spy.calls, []);
  });

  it('values paths: traversal out of the workspace, symlinks out of it, NUL bytes, directories are refused', () => {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'sub'), { recursive: true });
    writeFileSync(join(ws, 'sub', 'ok.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'outside.yaml'), 'a: 1\n');
    symlinkSync(join(dir, 'outside.yaml'), join(ws, 'link.yaml'));
    assert.equal(resolveValuesPath('sub/ok.yaml', ws), join(ws, 'sub', 'ok.yaml'));
    for (const p of [
      '../outside.yaml',
      'sub/../../outside.yaml',
      '../../../../etc/passwd',
      'link.yaml',
      'sub/ok.yaml\0.txt',
      'sub',
      '-f',
      '--set=a=b',
      '',
    ]) {
      assert.throws(() => resolveValuesPath(p, ws), rejected, JSON.stringify(p));
    }
    assert.throws(() => resolveValuesPath('sub/ok.yaml'), rejected, 'a relative path needs a workspace');
    // Whatever is accepted is absolute, so it can never be read as a helm option.
    assert.ok(resolveValuesPath(join(ws, 'sub', 'ok.yaml')).startsWith('/'));
  });

  it('10,000 generated names: accepted ones are plain DNS labels; every command keeps them one argument after "--"', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 70 }),
          fc.constantFrom(...HOSTILE_NAMES),
          fc.stringMatching(/^[a-z][-a-z0-9]{0,10}[a-z0-9]$/),
        ),
        (name) => {
          let ok: string | undefined;
          try {
            ok = validateReleaseName(name);
          } catch (e) {
            assert.ok(rejected(e), String(e));
          }
          if (ok === undefined) {
            assert.throws(
              () =>
                installCommand(helm, {
                  release: name,
                  chart: CHART,
                  namespace: 'default',
                  valuesFiles: [values],
                  timeoutSeconds: 5,
                }),
              rejected,
            );
            return;
          }
          assert.match(ok, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
          const args = installCommand(helm, {
            release: ok,
            chart: CHART,
            namespace: 'default',
            valuesFiles: [values],
            timeoutSeconds: 5,
          }).args;
          const dd = args.indexOf('--');
          assert.ok(dd > 0 && args[dd + 1] === ok, 'the release comes right after "--"');
          assert.ok(
            args.slice(0, dd).every((a) => (a.startsWith('--') && !a.includes(' ')) || a === 'install'),
            `only --flag=value before "--": ${args.join(' ')}`,
          );
          assert.doesNotThrow(() => validateNamespace(ok!.slice(0, 63)));
        },
      ),
      { numRuns: 10_000 },
    );
    assert.deepEqual(spy.calls, []);
  });

  it('where helm does run, a hostile context name stays one argument (no shell, no option split)', async () => {
    const weird: HelmTarget = { ...helm, kubeContext: '--kubeconfig=/etc/passwd; rm -rf /' };
    const err = await runHelm(listCommand(weird, { namespace: 'default' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err, 'helm refuses the unknown context');
    const spawned = spy.calls.filter((c) => c.fn === 'spawn');
    assert.equal(spawned.length, 1);
    const [cmd, args, opts] = spawned[0].args as [string, string[], { shell?: unknown }];
    assert.equal(cmd, helm.helm.path);
    assert.ok(args.includes('--kube-context=--kubeconfig=/etc/passwd; rm -rf /'), args.join(' | '));
    assert.ok(!args.includes('--kubeconfig=/etc/passwd'), 'not split into an option');
    assert.ok(!opts?.shell, 'no shell');
    assert.deepEqual(
      uninstallCommand(helm, { release: 'okname', namespace: 'default', timeoutSeconds: 5 }).args.slice(-2),
      ['--', 'okname'],
    );
  });
});
