// The exec layer, runCommand and the terminal state machine against the simulated cluster (real client-node,
// real WebSocket, commands running as real processes with a pty).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startCluster, type SimCluster } from '../../sim/cluster';
import { startExec } from '../../../src/core/exec/startExec';
import { runCommand } from '../../../src/core/exec/runCommand';
import { readContainerState } from '../../../src/core/exec/podState';
import { SHELL_COMMAND, ShellSession, asUserCommand } from '../../../src/core/exec/shellSession';
import { addEphemeralContainer } from '../../../src/core/exec/ephemeral';
import type { KubeletFaults } from '../../sim/kubelet/faults';

const NS = 'default';

async function waitFor<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function collect(s: ReturnType<typeof startExec>): Promise<string> {
  let out = '';
  s.stdout.on('data', (c: Buffer) => (out += c.toString()));
  s.stderr.on('data', (c: Buffer) => (out += c.toString()));
  await s.done;
  return out;
}

/** A terminal over the real exec layer: the state machine with real ports, and a screen we can read. */
function terminal(kc: KubeConfig, pod: string, container: string, command: string[] = [...SHELL_COMMAND]) {
  let screen = '';
  const closed: Array<number | undefined> = [];
  const shell = new ShellSession(
    {
      start: (cols, rows) =>
        startExec(kc, { namespace: NS, pod, container, command }, { stdin: true, tty: true, cols, rows }),
      containerState: () => readContainerState(kc, NS, pod, container),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
    { write: (t) => (screen += t), close: (c) => void closed.push(c) },
    { pod, container },
  );
  return {
    shell,
    closed,
    screen: () => screen,
    /** Resolves once the screen (after `from`) matches. */
    expect: (re: RegExp, from = 0) =>
      waitFor(`screen to match ${re}`, () => re.exec(screen.slice(from)) ?? undefined).catch((e: Error) => {
        throw new Error(`${e.message}; screen: ${JSON.stringify(screen.slice(from))}`);
      }),
  };
}

const onHostPath = (b: string): string => {
  const dir = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).find((d) => d && existsSync(join(d, b)));
  if (!dir) throw new Error(`${b} not on PATH`);
  return join(dir, b);
};

describe('exec layer against the simulated cluster', function () {
  this.timeout(60000);
  let c: SimCluster;
  let kc: KubeConfig;
  let dir: string;
  const faults = () => c.kubelet.faults as KubeletFaults;

  const makePod = async (name: string, env: Array<{ name: string; value: string }> = []) => {
    const api = kc.makeApiClient(CoreV1Api);
    const pod: V1Pod = {
      metadata: { name, namespace: NS, labels: { 'app.kubernetes.io/instance': 'exectest' } },
      spec: { containers: [{ name: 'main', image: 'ubuntu:24.04', command: ['tail', '-f', '/dev/null'], env }] },
    };
    await api.createNamespacedPod({ namespace: NS, body: pod });
    await waitFor(`${name} ready`, async () => {
      const p = await api.readNamespacedPod({ namespace: NS, name });
      return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
    });
  };

  before(async () => {
    c = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'exec-sim-'));
    kc = new KubeConfig();
    kc.loadFromFile(c.writeKubeconfig(join(dir, 'kubeconfig')));
    // busybox's timeout execs the program and kills it with TERM from a forked child, so the exit status is
    // "killed by signal 15" (143). This script does the same with real processes.
    const bb = join(dir, 'busybox-bin');
    mkdirSync(bb);
    writeFileSync(
      join(bb, 'timeout'),
      '#!/bin/sh\ns="$1"; shift\nme=$$\n(sleep "$s"; kill -TERM "$me") &\nexec "$@"\n',
    );
    chmodSync(join(bb, 'timeout'), 0o755);
    const bare = join(dir, 'bare-bin');
    mkdirSync(bare);
    symlinkSync('/bin/sh', join(bare, 'sh'));
    // An image with a shell and coreutils' sleep/echo but no `timeout`, and one with neither `timeout` nor `sh`.
    const noTimeout = join(dir, 'no-timeout-bin');
    const noShell = join(dir, 'no-shell-bin');
    mkdirSync(noTimeout);
    mkdirSync(noShell);
    for (const b of ['sh', 'sleep', 'echo', 'cat']) symlinkSync(onHostPath(b), join(noTimeout, b));
    for (const b of ['sleep', 'echo']) symlinkSync(join(noTimeout, b), join(noShell, b));
    await Promise.all([
      makePod('nt', [{ name: 'PATH', value: noTimeout }]),
      makePod('ns', [{ name: 'PATH', value: noShell }]),
    ]);
    await Promise.all([
      makePod('t4', [{ name: 'PATH', value: bare }]),
      makePod('t5'),
      makePod('t1'),
      makePod('t2', [{ name: 'PATH', value: `${bb}:/usr/local/bin:/usr/bin:/bin` }]),
      makePod('t3'),
    ]);
  });

  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('startExec: stdout, exit code 0 (Success) and 3 (NonZeroExitCode)', async () => {
    const ok = startExec(kc, {
      namespace: NS,
      pod: 't1',
      container: 'main',
      command: ['sh', '-c', 'echo hello; echo err >&2'],
    });
    assert.equal(await collect(ok), 'hello\nerr\n');
    assert.deepEqual(await ok.done, { exitCode: 0, reason: 'Success' });
    const bad = startExec(kc, { namespace: NS, pod: 't1', container: 'main', command: ['sh', '-c', 'exit 3'] });
    await collect(bad);
    const r = await bad.done;
    assert.equal(r.reason, 'NonZeroExitCode');
    assert.equal(r.exitCode, 3);
  });

  it('startExec: stdin reaches the command; endInput closes it', async () => {
    const s = startExec(
      kc,
      { namespace: NS, pod: 't1', container: 'main', command: ['sh', '-c', 'read a; echo "got $a"'] },
      { stdin: true },
    );
    const out = collect(s);
    s.write('ping\n');
    s.endInput();
    assert.equal(await out, 'got ping\n');
  });

  it('startExec: a missing container or pod is an Error result, not a throw', async () => {
    const r1 = await startExec(kc, { namespace: NS, pod: 't1', container: 'nope', command: ['true'] }).done;
    assert.equal(r1.reason, 'Error');
    const r2 = await startExec(kc, { namespace: NS, pod: 'missing', container: 'main', command: ['true'] }).done;
    assert.equal(r2.reason, 'Error');
  });

  it('terminal: echo $((6*7)) → 42, resize → stty size, exit 3 → exit code 3', async () => {
    const t = terminal(kc, 't1', 'main');
    t.shell.open(80, 24);
    t.shell.input('echo $((6*7))\r');
    await t.expect(/[\r\n]42\r\n/);
    let mark = t.screen().length;
    t.shell.resize(101, 33);
    t.shell.input('stty size\r');
    await t.expect(/33 101/, mark);
    mark = t.screen().length;
    t.shell.input('\x03'); // Ctrl-C reaches the shell: a fresh prompt, the session goes on
    t.shell.input('echo still-here\r');
    await t.expect(/still-here\r?\n/, mark);
    t.shell.input('exit 3\r');
    await t.expect(/Shell ended with exit code 3/);
    assert.equal(t.shell.state, 'ended');
    t.shell.input('x');
    assert.deepEqual(t.closed, [3]);
  });

  it('terminal: a container crash is reported with reason and exit code, and Enter reconnects', async () => {
    const t = terminal(kc, 't3', 'main');
    t.shell.open(80, 24);
    t.shell.input('echo ready-$((1+1))\r');
    await t.expect(/ready-2/);
    faults().crash(NS, 't3', 'main', { reason: 'OOMKilled' });
    await t.expect(/Container main restarted: OOMKilled, exit code 137 \(restarts 0 → 1\)\. Press Enter to reconnect/);
    const mark = t.screen().length;
    await waitFor('t3 running again', async () => (await readContainerState(kc, NS, 't3', 'main'))?.running);
    t.shell.input('\r');
    t.shell.input('echo back-$((2+2))\r');
    await t.expect(/back-4/, mark);
    t.shell.dispose();
  });

  it('runCommand: GNU timeout (124) and busybox-style timeout (143) both report a timeout', async () => {
    const gnu = await runCommand(kc, { namespace: NS, pod: 't1', container: 'main' }, ['sleep', '5'], {
      timeoutSeconds: 1,
    });
    assert.equal(gnu.exitCode, 124);
    assert.equal(gnu.timedOut, true);
    assert.equal(gnu.timeoutBy, 'container');
    const bb = await runCommand(kc, { namespace: NS, pod: 't2', container: 'main' }, ['sleep', '5'], {
      timeoutSeconds: 1,
    });
    assert.equal(bb.exitCode, 143);
    assert.equal(bb.timedOut, true);
    const fine = await runCommand(
      kc,
      { namespace: NS, pod: 't1', container: 'main' },
      ['sh', '-c', 'echo out; exit 2'],
      { timeoutSeconds: 5 },
    );
    assert.deepEqual([fine.exitCode, fine.timedOut, fine.stdout, fine.restart.restarted], [2, false, 'out\n', false]);
  });

  it("runCommand without `timeout` in the image: the runtime's exec failure (no exit code) falls back to a timer in sh", async () => {
    // What the runtime answers for the wrapper: a Status without an exit code, as containerd/runc do.
    const raw = await startExec(
      kc,
      { namespace: NS, pod: 'nt', container: 'main', command: ['timeout', '1', 'true'] },
      {},
    ).done;
    assert.equal(raw.exitCode, null);
    assert.equal(raw.reason, 'Error');
    assert.match(
      raw.message ?? '',
      /OCI runtime exec failed: exec failed: unable to start container process: exec: "timeout": executable file not found in \$PATH/,
    );
    const notes: string[] = [];
    const onOutput = (t: string, s: string) => void (s === 'stderr' && notes.push(t));
    const fine = await runCommand(
      kc,
      { namespace: NS, pod: 'nt', container: 'main' },
      ['sh', '-c', 'echo out; exit 3'],
      { timeoutSeconds: 5, onOutput },
    );
    assert.deepEqual([fine.exitCode, fine.reason, fine.timedOut, fine.stdout], [3, 'NonZeroExitCode', false, 'out\n']);
    assert.match(notes.join(''), /no `timeout` in the container: timing out from sh/);
    const slow = await runCommand(kc, { namespace: NS, pod: 'nt', container: 'main' }, ['sleep', '30'], {
      timeoutSeconds: 1,
      graceSeconds: 20,
    });
    assert.deepEqual(
      [slow.exitCode, slow.timedOut, slow.timeoutBy],
      [124, true, 'container'],
      'the timer in the container fired, not the client',
    );
    // Neither `timeout` nor `sh`: the client-side timer.
    const bare = await runCommand(kc, { namespace: NS, pod: 'ns', container: 'main' }, ['sleep', '30'], {
      timeoutSeconds: 1,
    });
    assert.deepEqual([bare.timedOut, bare.timeoutBy], [true, 'client']);
    const ok = await runCommand(kc, { namespace: NS, pod: 'ns', container: 'main' }, ['echo', 'hi'], {
      timeoutSeconds: 5,
    });
    assert.deepEqual([ok.exitCode, ok.stdout], [0, 'hi\n']);
  });

  it('runCommand: a restart (OOMKilled) during the run is reported', async () => {
    const before = await readContainerState(kc, NS, 't1', 'main');
    const run = runCommand(kc, { namespace: NS, pod: 't1', container: 'main' }, ['sleep', '3'], { timeoutSeconds: 10 });
    await new Promise((r) => setTimeout(r, 300));
    faults().crash(NS, 't1', 'main', { reason: 'OOMKilled' });
    const r = await run;
    assert.equal(r.timedOut, false);
    assert.equal(r.restart.restarted, true);
    assert.equal(r.restart.oomKilled, true);
    assert.equal(r.restart.exitCode, 137);
    assert.equal(r.restart.restartsAfter, (before?.restartCount ?? 0) + 1);
  });

  it('terminal as user: runuser switches the user; without runuser/su it says what is needed', async () => {
    const t = terminal(kc, 't5', 'main', asUserCommand('nobody'));
    t.shell.open(80, 24);
    t.shell.input('id -un\r');
    await t.expect(/[\r\n]nobody\r\n/);
    t.shell.dispose();
    const bare = terminal(kc, 't4', 'main', asUserCommand('nobody'));
    bare.shell.open(80, 24);
    await bare.expect(/needs runuser \(util-linux, as root\) or su/);
    await bare.expect(/Could not switch user \(exit code 125\)/);
    bare.shell.dispose();
  });

  it('ephemeral debug container: added through the subresource, then a shell runs in it', async () => {
    const name = await addEphemeralContainer(kc, {
      namespace: NS,
      pod: 't1',
      targetContainer: 'main',
      image: 'busybox:1.36',
      timeoutMs: 15000,
    });
    assert.match(name, /^debug-[0-9a-f]{6}$/);
    const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: NS, name: 't1' });
    const ec = pod.spec?.ephemeralContainers?.find((e) => e.name === name);
    assert.equal(ec?.targetContainerName, 'main');
    const t = terminal(kc, 't1', name);
    t.shell.open(80, 24);
    t.shell.input('echo dbg-$((3*3))\r');
    await t.expect(/dbg-9/);
    t.shell.dispose();
  });
});
