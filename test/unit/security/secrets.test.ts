// Issue 10, secrets: the token and client key of the kubeconfig never appear in any output. A full workflow runs
// through the real log channel (platform/log.ts over a recording `vscode` stub), the real services and error
// gate, the real helm and the simulated cluster — load, watch, install (helm --debug), a failing install,
// exec, a broken kubeconfig, 401s, tear down — and everything written anywhere is searched for the secrets.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Log } from '../../../src/platform/log';
import type { Services } from '../../../src/services';
import { generateCerts } from '../../sim/certs';
import { fixture, helmSetup, type HelmSetup } from '../reliability/support/helm';
import { SimEnv, converged, waitUntil } from '../reliability/support/stack';
import { installVscodeStub, type Recorded } from './support/vscodeStub';
import { MemoryState } from '../../support/memoryState';

describe('security: no token or client key in any output during a full workflow', function () {
  this.timeout(120_000);
  const env = new SimEnv();
  let stub: ReturnType<typeof installVscodeStub>;
  let recorded: Recorded;
  let kubeconfig: string;
  let token: string;
  let keyPem: string;
  let keyData: string;
  const written: string[] = [];
  const restore: Array<() => void> = [];

  before(async () => {
    const c = await env.start();
    token = c.tokens.admin;
    // A client certificate and key in the kubeconfig next to the token (a valid pair: TLS and helm load them).
    const client = generateCerts();
    keyPem = client.keyPem;
    keyData = Buffer.from(keyPem).toString('base64');
    const kc = parse(readFileSync(env.kubeconfig(), 'utf8')) as { users: Array<{ user: Record<string, unknown> }> };
    kc.users[0].user = {
      token,
      'client-certificate-data': Buffer.from(client.certPem).toString('base64'),
      'client-key-data': keyData,
    };
    kubeconfig = join(env.dir, 'kc-secrets.yaml');
    writeFileSync(kubeconfig, stringify(kc), { mode: 0o600 });
    stub = installVscodeStub({ kubeconfig });
    recorded = stub.recorded;
    // Everything printed to the terminal during the workflow too.
    for (const stream of [process.stdout, process.stderr]) {
      const real = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (real as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = real as typeof stream.write));
    }
  });
  after(async () => {
    for (const r of restore) r();
    stub?.uninstall();
    await env.stop();
  });

  it('load, watch, install, fail, exec, 401, broken kubeconfig, tear down: the secrets appear nowhere', async () => {
    // Loaded now, so `vscode` resolves to the recording stub.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { createLog } = require('../../../src/platform/log') as typeof import('../../../src/platform/log');
    const { createServices } = require('../../../src/services') as typeof import('../../../src/services');
    const { gate } = require('../../../src/platform/errorGate') as typeof import('../../../src/platform/errorGate');
    const { installSandbox } =
      require('../../../src/core/helm/install') as typeof import('../../../src/core/helm/install');
    const { tearDown } = require('../../../src/core/helm/teardown') as typeof import('../../../src/core/helm/teardown');
    const { runCommand } =
      require('../../../src/core/exec/runCommand') as typeof import('../../../src/core/exec/runCommand');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const log: Log & { dispose(): void } = createLog();
    const services: Services & { dispose(): void } = createServices(log, new MemoryState());
    const sinks: string[] = [];
    const sink = (line: string) => {
      sinks.push(line);
      log.line(line);
    };
    const c = env.cluster;
    let h: HelmSetup | undefined;
    try {
      // Load and watch.
      services.sandboxes.start();
      const stackLike = {
        hub: services.watches,
        model: services.sandboxes,
        messages: () => services.sandboxes.children().filter((n) => n.kind === 'message'),
      };
      await converged(c, stackLike as never, 'the view is ready');
      const snapshot = services.cluster.require();
      const who = await services.cluster.whoAmI();
      h = await helmSetup(c, '3.18.0', who.known ? who.identity.creator : undefined);
      const target = { ...h.helm, kubeconfig, kubeContext: snapshot.context };

      // Install (helm runs with --debug) and show it in the tree.
      await gate('Install Sandbox', log, () =>
        installSandbox({
          ...h!.request('secretrel', fixture('05-allow-domains-ports-scoped-values.yaml')),
          helm: target,
          kc: snapshot.kubeConfig,
          sink,
        }),
      )();
      await waitUntil(
        'the sandbox in the tree',
        () => services.sandboxes.releases.some((r) => r.name === 'secretrel'),
        10_000,
      );

      // A failing install, through the error gate (its message and helm's stderr go to the log).
      const kata = join(env.dir, 'kata.yaml');
      writeFileSync(kata, 'services:\n  default:\n    image: busybox\n    runtimeClassName: kata\n');
      await gate('Install Sandbox', log, () =>
        installSandbox({ ...h!.request('secretbad', kata), helm: target, kc: snapshot.kubeConfig, sink }),
      )();
      await gate('Install Sandbox', log, () =>
        installSandbox({
          ...h!.request('secretto', fixture('05-allow-domains-ports-scoped-values.yaml'), { timeoutSeconds: 1 }),
          helm: target,
          kc: snapshot.kubeConfig,
          sink,
          skipRuntimeClassCheck: true,
        }),
      )();

      // Exec into the sandbox: the command's output goes to the log.
      const pod = services.sandboxes.releases.find((r) => r.name === 'secretrel')!.pods[0];
      await gate('Run Command', log, async () => {
        const r = await runCommand(
          snapshot.kubeConfig,
          { namespace: 'default', pod: pod.name, container: pod.containers[0].name },
          ['sh', '-c', 'echo ran; env | sort'],
          { timeoutSeconds: 10, onOutput: (t) => log.line(t) },
        );
        log.info(`Run Command: exit ${r.exitCode}`);
      })();

      // Watches dropped and refused (401 for a while): diagnostics go to the log.
      c.faults.failNext(6, 401);
      c.faults.dropWatches({ abrupt: true });
      await waitUntil('the log saw the 401', () => recorded.channel.some((l) => /unauthorized/i.test(l)), 10_000).catch(
        () => undefined,
      );

      // A broken kubeconfig (the broken line holds the token), then the good one again.
      const good = readFileSync(kubeconfig, 'utf8');
      writeFileSync(kubeconfig, good.replace(`token: ${token}`, `token: ${token}\n   broken: [`));
      services.cluster.reload();
      await gate('Select Context', log, () => services.cluster.require())();
      writeFileSync(kubeconfig, good);
      services.cluster.reload();

      // Tear down.
      await gate('Tear Down', log, () =>
        tearDown([{ namespace: 'default', release: 'secretrel' }], {
          helm: target,
          env: h!.env,
          kc: snapshot.kubeConfig,
          timeoutSeconds: 60,
          sink,
        }),
      )();
    } finally {
      services.dispose();
      log.dispose();
      h?.home.cleanup();
    }

    const everything = [
      ...recorded.channel,
      ...recorded.shown,
      ...sinks,
      ...written,
      JSON.stringify(services.sandboxes.state),
    ].join('\n');
    // The workflow did produce output of every kind.
    assert.ok(recorded.channel.length > 20, `the log has the workflow (${recorded.channel.length} lines)`);
    assert.ok(
      recorded.shown.some((m) => /Install Sandbox: .*kata/.test(m)),
      'the failed install was shown',
    );
    assert.ok(
      recorded.channel.some((l) => /ran/.test(l)),
      'the exec output was logged',
    );
    assert.ok(
      sinks.some((l) => /helm|install|uninstall/i.test(l)),
      'helm output was streamed',
    );
    const keyBody = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const secrets: Array<[string, string]> = [
      ['token', token],
      ['token (first half)', token.slice(0, token.length / 2)],
      ['client-key-data', keyData],
      ['client-key-data (first 40)', keyData.slice(0, 40)],
      ...keyBody.map((l, i): [string, string] => [`client key PEM line ${i + 1}`, l]),
    ];
    const found = secrets.filter(([, s]) => everything.includes(s)).map(([what]) => what);
    assert.deepEqual(found, [], 'secrets in the output');
  });
});
