// Issue 10, exec faults: a terminal into a container that restarts (again and again), whose pod is deleted, or
// whose API server goes away mid-session. The terminal state machine must explain what happened, reconnect on
// Enter, and nothing may hang or be left running (no exec processes, no open sockets).
import { strict as assert } from 'node:assert';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { readContainerState } from '../../../src/core/exec/podState';
import { startExec } from '../../../src/core/exec/startExec';
import { SHELL_COMMAND, ShellSession } from '../../../src/core/exec/shellSession';
import type { KubeletFaults } from '../../sim/kubelet/faults';
import { children } from './support/processes';
import { ServerProbe } from './support/probe';
import { SimEnv, waitUntil } from './support/stack';
import { tally } from './support/tally';

const NS = 'default';

async function eventually<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reliability: exec into containers that restart or lose their server', function () {
  this.timeout(60_000);
  const env = new SimEnv();
  let kc: KubeConfig;
  let probe: ServerProbe;
  const faults = () => env.cluster.kubelet.faults as KubeletFaults;
  const shells: ShellSession[] = [];

  /** A terminal over the real exec layer: the state machine with real ports, and a screen to read. */
  function terminal(pod: string, container = 'main') {
    let screen = '';
    const closed: Array<number | undefined> = [];
    const shell = new ShellSession(
      {
        start: (cols, rows) =>
          startExec(
            kc,
            { namespace: NS, pod, container, command: [...SHELL_COMMAND] },
            { stdin: true, tty: true, cols, rows },
          ),
        containerState: () => readContainerState(kc, NS, pod, container),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      { write: (t) => (screen += t), close: (c) => void closed.push(c) },
      { pod, container },
    );
    shells.push(shell);
    const expect = (re: RegExp, from = 0, ms = 15_000) =>
      waitUntil(
        `screen to match ${re}`,
        () => re.exec(screen.slice(from)) ?? undefined,
        ms,
        () => JSON.stringify(screen.slice(from).slice(-400)),
      );
    return { shell, closed, screen: () => screen, expect };
  }

  const makePod = async (name: string) => {
    const api = kc.makeApiClient(CoreV1Api);
    const pod: V1Pod = {
      metadata: { name, namespace: NS, labels: { 'app.kubernetes.io/instance': 'execfaults' } },
      spec: { containers: [{ name: 'main', image: 'ubuntu:24.04', command: ['tail', '-f', '/dev/null'] }] },
    };
    await api.createNamespacedPod({ namespace: NS, body: pod });
    await eventually(`${name} ready`, async () =>
      (await api.readNamespacedPod({ namespace: NS, name })).status?.conditions?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    );
  };
  const running = (pod: string) =>
    eventually(`${pod} running`, async () => (await readContainerState(kc, NS, pod, 'main'))?.running);

  before(async () => {
    const c = await env.start();
    probe = new ServerProbe(c.port);
    kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfig());
    await Promise.all(['ex1', 'ex2', 'ex3', 'ex4'].map(makePod));
  });
  after(async () => {
    for (const s of shells) s.dispose();
    // Nothing left running: no exec'd shell of ours, and the server's connections close.
    await waitUntil(
      'no exec processes left',
      () => children().filter((p) => p.argv.includes(SHELL_COMMAND[2])).length === 0,
      5000,
      () => JSON.stringify(children()),
    );
    probe?.dispose();
    await env.stop();
  });

  it('a container that restarts three times mid-session: each time the terminal says why and Enter reconnects', async () => {
    const t = terminal('ex1');
    t.shell.open(80, 24);
    t.shell.input('echo up-$((40+2))\r');
    await t.expect(/up-42/);
    const reasons = ['OOMKilled', 'Error', 'OOMKilled'] as const;
    for (const [i, reason] of reasons.entries()) {
      const mark = t.screen().length;
      faults().crash(NS, 'ex1', 'main', { reason, exitCode: reason === 'OOMKilled' ? 137 : 2 });
      const code = reason === 'OOMKilled' ? 137 : 2;
      await t.expect(
        new RegExp(
          `Container main restarted: ${reason}, exit code ${code} \\(restarts ${i} → ${i + 1}\\)\\. Press Enter to reconnect`,
        ),
        mark,
      );
      assert.equal(t.shell.state, 'ended');
      await running('ex1');
      const again = t.screen().length;
      t.shell.input('\r');
      t.shell.input(`echo back-$((${i}+100))\r`);
      await t.expect(new RegExp(`back-${i + 100}`), again);
      assert.equal(t.shell.state, 'running');
    }
    t.shell.dispose();
    assert.equal(t.shell.state, 'closed');
    tally('Container restart during a terminal session', { injected: reasons.length, checks: reasons.length });
  });

  it('the API server goes away mid-session: "Connection lost", nothing hangs, Enter reconnects once it is back', async () => {
    const t = terminal('ex2');
    t.shell.open(80, 24);
    t.shell.input('echo first-$((1+1))\r');
    await t.expect(/first-2/);
    const mark = t.screen().length;
    await env.cluster.faults.stopListening();
    await t.expect(/Connection lost \([^)]*\)\. Press Enter to reconnect, any other key to close\./, mark);
    assert.equal(t.shell.state, 'ended');
    // Enter while the server is still down: a clear failure, and still no hang.
    const down = t.screen().length;
    t.shell.input('\r');
    await t.expect(/Could not start a shell: .*Press Enter to retry|Connection lost/, down);
    await env.cluster.faults.startListening();
    await running('ex2');
    const back = t.screen().length;
    t.shell.input('\r');
    t.shell.input('echo second-$((2+2))\r');
    await t.expect(/second-4/, back);
    t.shell.dispose();
    tally('API server stopped during a terminal session', { injected: 1, checks: 2 });
  });

  it('the pod is deleted mid-session: the terminal says so; the exec ends instead of hanging', async () => {
    const t = terminal('ex3');
    t.shell.open(80, 24);
    t.shell.input('echo here-$((3*3))\r');
    await t.expect(/here-9/);
    const mark = t.screen().length;
    await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: NS, name: 'ex3', gracePeriodSeconds: 0 });
    await t.expect(/Pod ex3 was deleted\. Press Enter to reconnect/, mark);
    assert.equal(t.shell.state, 'ended');
    t.shell.input('q');
    assert.equal(t.shell.state, 'closed');
    tally('Pod deleted during a terminal session', { injected: 1, checks: 1 });
  });

  it('a crash-looping container: every attempt ends with an explanation, none hangs; exec sessions always settle', async () => {
    const t = terminal('ex4');
    t.shell.open(80, 24);
    t.shell.input('echo loop-$((5*5))\r');
    await t.expect(/loop-25/);
    faults().crashLoop(NS, 'ex4', 'main', 'Error');
    await t.expect(/Container main restarted: Error, exit code 1/);
    // Reconnect attempts while it keeps crashing: each one ends (restart, error or exit), with a message.
    let ends = 0;
    t.shell.onEnd(() => ends++);
    for (let i = 0; i < 3; i++) {
      const mark = t.screen().length;
      t.shell.input('\r');
      await t.expect(/Press Enter to (reconnect|retry|start a new shell)/, mark, 20_000);
    }
    assert.ok(ends >= 3, `each attempt ended with a message (${ends})`);
    faults().clear(NS, 'ex4');
    // Sessions closed by the user settle too (done resolves; it never rejects).
    const sessions = Array.from({ length: 5 }, () =>
      startExec(kc, { namespace: NS, pod: 'ex1', container: 'main', command: ['sleep', '30'] }, { stdin: true }),
    );
    for (const [i, s] of sessions.entries()) if (i % 2 === 0) s.close();
    await new Promise((r) => setTimeout(r, 100));
    for (const s of sessions) s.close();
    const results = await Promise.all(sessions.map((s) => s.done));
    assert.ok(
      results.every((r) => r.reason === 'ConnectionLost' || r.reason === 'Error'),
      JSON.stringify(results),
    );
    t.shell.dispose();
    await waitUntil('the sleeps are gone', () => children('sleep', '30').length === 0, 5000);
    tally('Crash loop during a terminal session (reconnect attempts)', { injected: 3, checks: 3 });
  });
});
