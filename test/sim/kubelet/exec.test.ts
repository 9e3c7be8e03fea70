// Exec through the simulated cluster with the real kubectl (1.33 and 1.35) and client-node: exit codes, stdin,
// env and working directory, tty resize, runtime errors, and sessions that end when the container does.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { kubectlVersions } from '../../support/tools';
import { podWithStoppedSide, runningPod, simplePod, startEnv, statusOf, type TestEnv, waitFor } from './testkit';

const NS = 'exec-test';

function collect(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => buf };
}

/** A stdout that client-node treats as a terminal (rows/columns + resize events). */
class FakeTerminal extends PassThrough {
  rows = 30;
  columns = 100;
  text = '';
  constructor() {
    super();
    this.on('data', (d: Buffer) => (this.text += d.toString()));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('sim kubelet: exec', function () {
  this.timeout(60_000);
  let env: TestEnv;

  before(async () => {
    env = await startEnv();
    await runningPod(
      env,
      NS,
      simplePod('web', {
        env: [
          { name: 'GREETING', value: 'hello' },
          { name: 'PHRASE', value: '$(GREETING) world' },
        ],
      }),
    );
    await runningPod(env, NS, simplePod('static', { image: 'gcr.io/distroless/static-debian12:nonroot' }));
  });
  after(async () => env?.stop());

  for (const v of kubectlVersions) {
    describe(`kubectl ${v}`, () => {
      it("returns the remote exit code of `sh -c 'exit 3'`", async () => {
        const r = await env.kubectl(v, ['exec', '-n', NS, 'web', '--', 'sh', '-c', 'exit 3']);
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /command terminated with exit code 3/);
      });

      it('runs the command in the container directory with the container env, stdout and stderr apart', async () => {
        const r = await env.kubectl(v, [
          'exec',
          '-n',
          NS,
          'web',
          '-c',
          'app',
          '--',
          'sh',
          '-c',
          'pwd; echo "$PHRASE"; echo oops >&2',
        ]);
        assert.equal(r.code, 0, r.stderr);
        const [pwd, phrase] = r.stdout.trim().split('\n');
        assert.equal(pwd, `${env.cluster.workDir}/${NS}/web/app`);
        assert.equal(phrase, 'hello world');
        assert.equal(r.stderr.trim(), 'oops');
      });

      it('pipes stdin with -i', async () => {
        const input = 'line one\nline two\n';
        const r = await env.kubectl(
          v,
          ['exec', '-i', '-n', NS, 'web', '--', 'sh', '-c', 'cat > in.txt; wc -l < in.txt; tr a-z A-Z < in.txt'],
          { input },
        );
        assert.equal(r.code, 0, r.stderr);
        const [count, ...rest] = r.stdout.trim().split('\n');
        assert.equal(count.trim(), '2');
        assert.deepEqual(rest, ['LINE ONE', 'LINE TWO']);
      });

      it('fails like containerd when the image has no shell', async () => {
        const r = await env.kubectl(v, ['exec', '-n', NS, 'static', '--', 'sh']);
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in \$PATH: unknown/,
        );
      });

      it('says why when SPDY is forced', async () => {
        const r = await env.kubectl(v, ['exec', '-n', NS, 'web', '--', 'true'], {
          env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' },
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /SPDY\/3\.1 is not supported/);
      });
    });
  }

  it('client-node Exec: output streams and the Success / NonZeroExitCode status', async () => {
    const exec = new Exec(env.kc);
    const run = (cmd: string[]): Promise<{ out: string; err: string; status: V1Status }> =>
      new Promise((resolve, reject) => {
        const out = collect();
        const err = collect();
        exec
          .exec(NS, 'web', 'app', cmd, out.stream, err.stream, null, false, (status) =>
            resolve({ out: out.text(), err: err.text(), status }),
          )
          .catch(reject);
      });
    const ok = await run(['sh', '-c', 'echo out; echo err >&2']);
    assert.equal(ok.out, 'out\n');
    assert.equal(ok.err, 'err\n');
    assert.equal(ok.status.status, 'Success');
    const bad = await run(['sh', '-c', 'exit 42']);
    assert.equal(bad.status.status, 'Failure');
    assert.equal(bad.status.reason, 'NonZeroExitCode');
    assert.deepEqual(bad.status.details?.causes, [{ reason: 'ExitCode', message: '42' }]);
    assert.equal(
      bad.status.message,
      'command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42',
    );
  });

  it('client-node Exec with a tty: stty size follows resize messages', async () => {
    const term = new FakeTerminal();
    const stdin = new PassThrough();
    const status = new Promise<V1Status>((resolve, reject) => {
      new Exec(env.kc).exec(NS, 'web', 'app', ['sh'], term, null, stdin, true, resolve).catch(reject);
    });
    stdin.write('stty size\n');
    await waitFor('first stty size', () => /\b30 100\b/.test(term.text));
    term.rows = 41;
    term.columns = 132;
    term.emit('resize');
    stdin.write('stty size; exit 7\n');
    const s = await status;
    assert.match(term.text, /\b41 132\b/);
    assert.deepEqual(s.details?.causes, [{ reason: 'ExitCode', message: '7' }]);
  });

  it('a crash ends running exec sessions with 137 and kills their processes', async () => {
    const out = collect();
    const status = new Promise<V1Status>((resolve, reject) => {
      new Exec(env.kc)
        .exec(NS, 'web', 'app', ['sh', '-c', 'echo $$; exec sleep 300'], out.stream, null, null, false, resolve)
        .catch(reject);
    });
    const pid = Number(await waitFor('pid', () => out.text().trim()));
    assert.ok(alive(pid));
    env.kubelet.faults.crash(NS, 'web', 'app', { reason: 'Error', exitCode: 2 });
    const s = await status;
    assert.deepEqual(s.details?.causes, [{ reason: 'ExitCode', message: '137' }]);
    await waitFor('process gone', () => !alive(pid));
    await waitFor('running again', () => statusOf(env, NS, 'web')?.containerStatuses?.[0].ready);
  });

  it('refuses a container that is not running, in-band as a modern API server does', async () => {
    await podWithStoppedSide(env, NS, 'pair');
    for (const v of kubectlVersions) {
      const r = await env.kubectl(v, ['exec', '-n', NS, 'pair', '-c', 'side', '--', 'true']);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /error: Internal error occurred: unable to upgrade connection: container not found \("side"\)/,
      );
    }
    assert.equal(statusOf(env, NS, 'pair')?.phase, 'Running');
  });

  it('speaks the base64 protocol to a client that asks for it', async () => {
    const url = new URL(`${env.cluster.url}/api/v1/namespaces/${NS}/pods/web/exec`);
    url.protocol = 'wss:';
    for (const c of ['sh', '-c', 'read x; echo got:$x; exit 5']) url.searchParams.append('command', c);
    url.searchParams.set('stdin', 'true');
    url.searchParams.set('stdout', 'true');
    const ws = new WebSocket(url, ['v4.base64.channel.k8s.io'], {
      headers: { Authorization: `Bearer ${env.cluster.tokens.admin}` },
      rejectUnauthorized: false,
    });
    const frames: string[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (d: Buffer, isBinary) => {
      assert.equal(isBinary, false);
      frames.push(d.toString());
    });
    await new Promise((resolve) => ws.on('open', resolve));
    assert.equal(ws.protocol, 'v4.base64.channel.k8s.io');
    ws.send('0' + Buffer.from('abc\n').toString('base64'));
    assert.equal(await closed, 1000);
    const decoded = frames.map((f) => [f[0], Buffer.from(f.slice(1), 'base64').toString()]);
    assert.deepEqual(
      decoded
        .filter(([ch]) => ch === '1')
        .map(([, t]) => t)
        .join(''),
      'got:abc\n',
    );
    const status = JSON.parse(decoded.find(([ch]) => ch === '3')![1]) as V1Status;
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '5' }]);
  });

  it('v4.channel.k8s.io binary frames; an unsupported subprotocol gets a 400 Status before any upgrade', async () => {
    const url = new URL(`${env.cluster.url}/api/v1/namespaces/${NS}/pods/web/exec`);
    url.protocol = 'wss:';
    for (const c of ['sh', '-c', 'echo hi; echo there >&2; exit 4']) url.searchParams.append('command', c);
    for (const k of ['stdout', 'stderr']) url.searchParams.set(k, 'true');
    const headers = { Authorization: `Bearer ${env.cluster.tokens.admin}` };
    const ws = new WebSocket(url, ['v3.channel.k8s.io', 'v4.channel.k8s.io'], { headers, rejectUnauthorized: false });
    const got: Record<number, string> = {};
    ws.on('message', (d: Buffer) => (got[d[0]] = (got[d[0]] ?? '') + d.subarray(1).toString()));
    const code = await new Promise<number>((resolve) => ws.on('close', resolve));
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    assert.equal(code, 1000);
    assert.equal(got[1], 'hi\n');
    assert.equal(got[2], 'there\n');
    assert.deepEqual((JSON.parse(got[3]) as V1Status).details?.causes, [{ reason: 'ExitCode', message: '4' }]);

    const old = new WebSocket(url, ['v3.channel.k8s.io'], { headers, rejectUnauthorized: false });
    const response = await new Promise<{ status?: number; body: string }>((resolve) => {
      old.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
    });
    assert.equal(response.status, 400);
    assert.match(
      JSON.parse(response.body).message,
      /requested protocol\(s\) are not supported: \[v3\.channel\.k8s\.io\]/,
    );
  });

  it('deleting the pod kills its exec processes and removes the pod', async () => {
    await runningPod(env, NS, simplePod('doomed'));
    const out = collect();
    const status = new Promise<V1Status>((resolve, reject) => {
      new Exec(env.kc)
        .exec(NS, 'doomed', 'app', ['sh', '-c', 'echo $$; exec sleep 300'], out.stream, null, null, false, resolve)
        .catch(reject);
    });
    const pid = Number(await waitFor('pid', () => out.text().trim()));
    await env.core.deleteNamespacedPod({ namespace: NS, name: 'doomed' });
    const s = await status;
    assert.equal(s.status, 'Failure');
    await waitFor('process gone', () => !alive(pid));
    await waitFor('pod gone', () => !env.cluster.store.get(env.cluster.resources.pods, NS, 'doomed'));
    assert.equal(existsSync(join(env.cluster.workDir, NS, 'doomed')), false, 'its files are gone');
  });
});
