import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { KubeConfig } from '@kubernetes/client-node';
import { startExec, type ExecPort, type SocketLike } from '../../../src/core/exec/startExec';
import { resultFromStatus } from '../../../src/core/exec/status';

/** A socket double that records frames; the port hands client-node's callbacks to the test. */
class FakeSocket extends EventEmitter implements SocketLike {
  readyState = 1;
  sent: Buffer[] = [];
  send(d: Buffer) {
    this.sent.push(d);
  }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }
}

function fakePort() {
  const socket = new FakeSocket();
  const calls: {
    stdout?: NodeJS.WritableStream | null;
    stderr?: NodeJS.WritableStream | null;
    stdin?: NodeJS.ReadableStream | null;
    tty?: boolean;
    status?: (s: unknown) => void;
    command?: string[];
  } = {};
  let fail: Error | undefined;
  const port: ExecPort = {
    async exec(_ns, _pod, _c, command, stdout, stderr, stdin, tty, status) {
      if (fail) throw fail;
      Object.assign(calls, { stdout, stderr, stdin, tty, status, command });
      return socket;
    },
  };
  return { port, socket, calls, failWith: (e: Error) => (fail = e) };
}

const kc = new KubeConfig();
const target = { namespace: 'ns', pod: 'p', container: 'c', command: ['sh'] };
const tick = () => new Promise((r) => setImmediate(r));

describe('exec status', () => {
  it('Success, NonZeroExitCode with the ExitCode cause, anything else is Error', () => {
    assert.deepEqual(resultFromStatus({ metadata: {}, status: 'Success' }), { exitCode: 0, reason: 'Success' });
    const nz = {
      status: 'Failure',
      message: 'command terminated with non-zero exit code: 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    };
    assert.deepEqual(resultFromStatus(nz), { exitCode: 3, reason: 'NonZeroExitCode', message: nz.message });
    assert.deepEqual(resultFromStatus({ status: 'Failure', message: 'container not found' }), {
      exitCode: null,
      reason: 'Error',
      message: 'container not found',
    });
    assert.equal(resultFromStatus(undefined).reason, 'Error');
  });
});

describe('exec session (over a socket double)', () => {
  it('tty: no stderr stream requested, initial size and resizes go out on channel 4', async () => {
    const f = fakePort();
    const s = startExec(kc, target, { tty: true, stdin: true, cols: 100, rows: 30 }, f.port);
    await tick();
    assert.equal(f.calls.tty, true);
    assert.equal(f.calls.stderr, null);
    s.resize(80, 24);
    s.resize(0, 10); // ignored
    const frames = f.socket.sent.filter((b) => b[0] === 4).map((b) => b.subarray(1).toString());
    assert.deepEqual(frames, ['{"Width":100,"Height":30}\n', '{"Width":80,"Height":24}\n']);
  });

  it('stdin writes reach the stream client-node reads; status ends the session once', async () => {
    const f = fakePort();
    const s = startExec(kc, target, { stdin: true }, f.port);
    await tick();
    const got: string[] = [];
    f.calls.stdin?.on('data', (d: Buffer) => got.push(d.toString()));
    s.write('ls\n');
    await tick();
    assert.deepEqual(got, ['ls\n']);
    f.calls.status?.({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    f.socket.close();
    f.socket.close();
    assert.deepEqual(await s.done, { exitCode: 3, reason: 'NonZeroExitCode', message: undefined });
  });

  it('a drop without a status is ConnectionLost and ends the output streams', async () => {
    const f = fakePort();
    const s = startExec(kc, target, {}, f.port);
    await tick();
    let ended = false;
    s.stdout.on('end', () => (ended = true)).resume();
    f.socket.close();
    const r = await s.done;
    assert.equal(r.reason, 'ConnectionLost');
    assert.equal(r.exitCode, null);
    await tick();
    assert.ok(ended);
  });

  it('a refused connection resolves done with Error (never rejects)', async () => {
    const f = fakePort();
    f.failWith(new Error('Unexpected server response: 403'));
    const r = await startExec(kc, target, {}, f.port).done;
    assert.deepEqual(r, { exitCode: null, reason: 'Error', message: 'Unexpected server response: 403' });
  });

  it('close() before the socket opens still closes it once it does', async () => {
    const f = fakePort();
    const s = startExec(kc, target, {}, f.port);
    s.close();
    const r = await s.done;
    assert.equal(r.reason, 'ConnectionLost');
    assert.equal(f.socket.readyState, 3);
  });
});
