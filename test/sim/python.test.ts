// The official Python client (python3-kubernetes, what inspect_k8s_sandbox execs with) as a third peer next to
// kubectl and helm: it spells query booleans `True`/`False`, so a server that reads only `true` would give it a
// list instead of a watch and an exec or attach without stdout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pythonWithKubernetes } from '../support/tools';
import { runningPod, simplePod, startEnv, type TestEnv, waitFor } from './kubelet/testkit';
import { run } from './testing/run';

const NS = 'py';
const SCRIPT = join(__dirname, 'python', 'kube_peer.py');

describe('sim: the official Python client', function () {
  this.timeout(90_000);
  let env: TestEnv;
  let python: string;
  const peer = async (args: string[], input?: string): Promise<unknown[]> => {
    const r = await run(
      python,
      [SCRIPT, env.kubeconfig, ...args],
      { PATH: process.env.PATH, HOME: env.dir },
      { input, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, `kube_peer.py ${args.join(' ')}: ${r.stderr}`);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
  }; /** The Python peer running a long command; `body` acts meanwhile (the peer is killed when it ends). */
  const streamingPeer = async (
    args: string[],
    body: (p: { out(): string; err(): string; exited: Promise<number | null> }) => Promise<void>,
  ): Promise<string> => {
    const child = spawn(python, [SCRIPT, env.kubeconfig, ...args], {
      env: { PATH: process.env.PATH, HOME: env.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await body({ out: () => out, err: () => err, exited });
    } finally {
      child.kill('SIGKILL');
    }
    return out;
  };

  before(async () => {
    python = pythonWithKubernetes();
    env = await startEnv();
    await runningPod(env, NS, simplePod('py-a', { labels: { app: 'py', tier: 'a' } }));
    await runningPod(env, NS, simplePod('py-b', { labels: { app: 'py', tier: 'b' } }));
    await runningPod(env, NS, simplePod('other', { labels: { app: 'other' } }));
  });
  after(async () => env?.stop());

  it('lists pods by label selector', async () => {
    assert.deepEqual(await peer(['list', NS, 'app=py']), [{ names: ['py-a', 'py-b'] }]);
    assert.deepEqual(await peer(['list', NS, 'app=py,tier notin (a)']), [{ names: ['py-b'] }]);
  });

  it('watches (watch=True): the existing pods, then a new pod until it runs', async () => {
    const out = await streamingPeer(['watch', NS, 'app=py', 'py-w'], async (p) => {
      await waitFor('the initial ADDED events', () => /"py-b"/.test(p.out()), 30_000);
      await runningPod(env, NS, simplePod('py-w', { labels: { app: 'py' } }));
      assert.equal(await p.exited, 0, p.err());
    });
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; name?: string; phase?: string; done?: boolean });
    assert.deepEqual(
      events.slice(0, 2).map((e) => `${e.type} ${e.name}`),
      ['ADDED py-a', 'ADDED py-b'],
    );
    const w = events.filter((e) => e.name === 'py-w');
    assert.equal(w[0].type, 'ADDED');
    assert.ok(
      w.some((e) => e.type === 'MODIFIED' && e.phase === 'Running'),
      JSON.stringify(w),
    );
    assert.ok(
      events.every((e) => e.done || e.name !== 'other'),
      'the selector applies to the watch',
    );
    assert.deepEqual(events.at(-1), { done: true });
  });

  it('execs with the exit code and stdout and stderr apart', async () => {
    const [r] = await peer([
      'exec',
      NS,
      'py-a',
      '--',
      'sh',
      '-c',
      'echo to-out; echo to-err >&2; echo more-out; exit 7',
    ]);
    assert.deepEqual(r, { stdout: 'to-out\nmore-out\n', stderr: 'to-err\n', returncode: 7 });
    const [ok] = await peer(['exec', NS, 'py-a', '--', 'sh', '-c', 'printf "%s" "$((6*7))"']);
    assert.deepEqual(ok, { stdout: '42', stderr: '', returncode: 0 });
  });

  it('runs a script sent on stdin (stdin=True)', async () => {
    const file = join(env.dir, 'script.sh');
    // The v4 protocol the client speaks cannot close stdin: the script ends itself.
    writeFileSync(file, 'x=$((6*7))\necho "from stdin $x"\necho "warned" >&2\nexit 3\n');
    const [r] = await peer(['exec', NS, 'py-b', '--stdin', file, '--', 'sh']);
    assert.deepEqual(r, { stdout: 'from stdin 42\n', stderr: 'warned\n', returncode: 3 });
  });

  it('attaches (stdout=True): the main process output until the container stops, then the Success status', async () => {
    await runningPod(env, NS, simplePod('py-att', { labels: { app: 'att' } }));
    env.kubelet.faults.log(NS, 'py-att', 'app', 'before attaching');
    const out = await streamingPeer(['attach', NS, 'py-att'], async (p) => {
      await waitFor('the Python client attached', () => env.kubelet.liveAttaches(NS, 'py-att') === 1, 30_000);
      env.kubelet.faults.log(NS, 'py-att', 'app', 'to the attached client');
      env.kubelet.faults.log(NS, 'py-att', 'app', 'and a second line');
      env.kubelet.faults.crash(NS, 'py-att', 'app');
      assert.equal(await p.exited, 0, p.err());
    });
    const [hello, r] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stdout?: string; stderr?: string; returncode?: number });
    assert.deepEqual(hello, { attached: true });
    assert.match(
      r.stdout!,
      /^to the attached client\nand a second line\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ fatal: exiting with status 1\n$/,
    );
    assert.deepEqual({ stderr: r.stderr, returncode: r.returncode }, { stderr: '', returncode: 0 });
  });
});
