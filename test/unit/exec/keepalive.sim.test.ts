// Keepalive through a proxy that cuts idle connections silently (as cloud load balancers do): with pings the
// exec survives a quiet stretch longer than the idle timeout; without them the proxy cuts it (the control that
// shows this test can fail); and when pongs stop, the session ends as ConnectionLost with a clear message, which
// the terminal turns into its usual reconnect prompt.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startExec } from '../../../src/core/exec/startExec';
import { ShellSession } from '../../../src/core/exec/shellSession';
import { readContainerState } from '../../../src/core/exec/podState';
import { startCluster, type SimCluster } from '../../sim/cluster';
import { startIdleProxy, type IdleProxy } from '../../sim/testing/idleProxy';

const NS = 'default';
const IDLE_MS = 1500;

describe('exec keepalive through an idle-cutting proxy', function () {
  this.timeout(60_000);
  let c: SimCluster;
  let proxy: IdleProxy;
  let dir: string;
  let direct: KubeConfig;
  let viaProxy: KubeConfig;

  before(async () => {
    c = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'keepalive-'));
    const file = c.writeKubeconfig(join(dir, 'kubeconfig'));
    direct = new KubeConfig();
    direct.loadFromFile(file);
    proxy = await startIdleProxy(c.port, IDLE_MS);
    const proxied = join(dir, 'kubeconfig-proxy');
    writeFileSync(proxied, readFileSync(file, 'utf8').replace(`127.0.0.1:${c.port}`, `127.0.0.1:${proxy.port}`));
    viaProxy = new KubeConfig();
    viaProxy.loadFromFile(proxied);
    const api = direct.makeApiClient(CoreV1Api);
    await api.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'ka' },
        spec: { containers: [{ name: 'main', image: 'ubuntu:24.04', command: ['tail', '-f', '/dev/null'] }] },
      },
    });
    for (;;) {
      const p = await api.readNamespacedPod({ namespace: NS, name: 'ka' });
      if (p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await proxy?.close();
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Quiet for three idle timeouts, then output: only a connection kept busy by pings delivers it.
  const quiet = ['sh', '-c', `sleep ${(3 * IDLE_MS) / 1000}; echo done`];

  it('pings keep a quiet exec alive past the idle timeout', async () => {
    const cutBefore = proxy.cut;
    const s = startExec(
      viaProxy,
      { namespace: NS, pod: 'ka', container: 'main', command: quiet },
      { keepaliveSeconds: 0.5 },
    );
    let out = '';
    s.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const r = await s.done;
    assert.deepEqual([r.reason, out], ['Success', 'done\n']);
    assert.equal(proxy.cut, cutBefore, 'the proxy never cut the connection');
  });

  it('control: without pings the proxy cuts the same exec', async () => {
    const s = startExec(
      viaProxy,
      { namespace: NS, pod: 'ka', container: 'main', command: quiet },
      { keepaliveSeconds: 0 },
    );
    await proxy.nextCut();
    s.close(); // nothing would ever arrive: end it ourselves
    const r = await s.done;
    assert.equal(r.reason, 'ConnectionLost');
  });

  it('a missed pong ends the session with a clear message; the terminal offers to reconnect', async () => {
    const s = startExec(
      viaProxy,
      { namespace: NS, pod: 'ka', container: 'main', command: ['sh', '-c', 'echo ready; sleep 60'] },
      { keepaliveSeconds: 0.5 },
    );
    s.stdout.once('data', () => proxy.blackhole()); // connected and running
    const r = await s.done;
    assert.equal(r.reason, 'ConnectionLost');
    assert.match(
      r.message ?? '',
      /no reply to a keepalive ping within 0\.5s \(an idle timeout on a proxy or load balancer/,
    );

    // The same through a terminal: its ConnectionLost path (reconnect on Enter).
    const screen: string[] = [];
    const shell = new ShellSession(
      {
        start: (cols, rows) =>
          startExec(
            viaProxy,
            { namespace: NS, pod: 'ka', container: 'main', command: ['sh'] },
            { stdin: true, tty: true, cols, rows, keepaliveSeconds: 0.5 },
          ),
        containerState: () => readContainerState(direct, NS, 'ka', 'main'),
        sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
      },
      { write: (t) => void screen.push(t), close: () => undefined },
      { pod: 'ka', container: 'main' },
    );
    shell.open(80, 24);
    shell.input('echo hel""lo\r');
    for (let i = 0; !screen.join('').includes('hello') && i < 200; i++) await new Promise((res) => setTimeout(res, 50));
    proxy.blackhole();
    for (let i = 0; !/keepalive ping/.test(screen.join('')) && i < 400; i++)
      await new Promise((res) => setTimeout(res, 50));
    const text = screen.join('');
    assert.match(text, /keepalive ping/, text);
    assert.match(text, /Enter/i, 'offers the reconnect');
    shell.dispose();
  });
});
