import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  ShellSession,
  SHELL_COMMAND,
  asUserCommand,
  NO_SWITCH_USER_EXIT,
  type ShellPorts,
} from '../../../src/core/exec/shellSession';
import type { ContainerState } from '../../../src/core/exec/podState';
import type { ExecResult, ExecSession } from '../../../src/core/exec/types';

/** A scripted exec: records input and resizes, ends when the test says. */
function scriptedExec() {
  const stdout = new PassThrough();
  const input: string[] = [];
  const sizes: Array<[number, number]> = [];
  let end!: (r: ExecResult) => void;
  const done = new Promise<ExecResult>((r) => (end = r));
  const session: ExecSession = {
    stdout,
    stderr: new PassThrough(),
    write: (d) => void input.push(String(d)),
    endInput: () => undefined,
    resize: (c, r) => void sizes.push([c, r]),
    close: () => end({ exitCode: null, reason: 'ConnectionLost', message: 'closed' }),
    done,
  };
  return {
    session,
    stdout,
    input,
    sizes,
    end: (r: ExecResult) => {
      stdout.end();
      end(r);
    },
  };
}

function harness(states: Array<ContainerState | undefined>) {
  const execs: Array<ReturnType<typeof scriptedExec>> = [];
  const starts: Array<[number | undefined, number | undefined]> = [];
  let i = 0;
  const ports: ShellPorts = {
    start(cols, rows) {
      starts.push([cols, rows]);
      const e = scriptedExec();
      execs.push(e);
      return e.session;
    },
    containerState: async () => states[Math.min(i++, states.length - 1)],
    sleep: async () => undefined,
  };
  let text = '';
  const closed: Array<number | undefined> = [];
  const out = { write: (t: string) => void (text += t), close: (c?: number) => void closed.push(c) };
  const shell = new ShellSession(ports, out, { pod: 'p-0', container: 'default' });
  const ends: string[] = [];
  const ended = () =>
    new Promise<void>((r) =>
      shell.onEnd((e) => {
        ends.push(e.restart ?? e.result.reason);
        r();
      }),
    );
  return { shell, execs, starts, closed, ends, ended, text: () => text };
}

const running = (restartCount = 0, uid = 'u1'): ContainerState => ({ podUid: uid, restartCount, running: true });
const tick = () => new Promise((r) => setImmediate(r));

describe('shell session state machine', () => {
  it('one exec starts bash-or-sh: a fixed argument array, no probe', () => {
    assert.deepEqual(SHELL_COMMAND, [
      'sh',
      '-c',
      'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi',
    ]);
    const u = asUserCommand('agent');
    assert.equal(u[u.length - 1], 'agent');
    assert.ok(!u[2].includes('agent'), 'the user name is an argument, not part of the script');
  });

  it('passes keys through (Ctrl-C too), writes output, resizes, shows the exit code', async () => {
    const h = harness([running()]);
    const ended = h.ended();
    h.shell.input('early'); // typed while connecting: delivered once connected
    h.shell.open(120, 40);
    await tick();
    assert.deepEqual(h.starts, [[120, 40]]);
    const e = h.execs[0];
    h.shell.input('echo hi\r');
    h.shell.input('\x03');
    h.shell.resize(90, 20);
    e.stdout.write(Buffer.from('h'));
    e.stdout.write(Buffer.from([0xc3])); // a split UTF-8 sequence is joined
    e.stdout.write(Buffer.from([0xa9, 0x0d, 0x0a]));
    e.end({ exitCode: 3, reason: 'NonZeroExitCode' });
    await ended;
    assert.deepEqual(e.input, ['early', 'echo hi\r', '\x03']);
    assert.deepEqual(e.sizes, [[90, 20]]);
    assert.ok(h.text().startsWith('hé\r\n'));
    assert.match(h.text(), /exit code 3/);
    assert.equal(h.shell.state, 'ended');
    h.shell.input('q');
    assert.deepEqual(h.closed, [3]);
    assert.equal(h.shell.state, 'closed');
  });

  it('a restart during the session is explained (reason, exit code) and Enter reconnects', async () => {
    const crashed: ContainerState = {
      podUid: 'u1',
      restartCount: 1,
      running: true,
      lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
    };
    // Baseline, then the status still shows the old count once (restart not yet visible), then the restart.
    const h = harness([running(0), running(0), crashed, crashed]);
    let ended = h.ended();
    h.shell.open(80, 24);
    await tick();
    h.execs[0].end({ exitCode: null, reason: 'ConnectionLost' });
    await ended;
    assert.match(
      h.text(),
      /Container default restarted: OOMKilled, exit code 137 \(restarts 0 → 1\)\. Press Enter to reconnect/,
    );
    ended = h.ended();
    h.shell.input('\r');
    await tick();
    await tick();
    assert.equal(h.execs.length, 2);
    assert.deepEqual(h.starts[1], [80, 24]);
    h.execs[1].end({ exitCode: 0, reason: 'Success' });
    await ended;
    assert.match(h.text(), /exit code 0/);
  });

  it('a drop without a restart says connection lost; a pod replacement is named', async () => {
    const h = harness([running()]);
    const ended = h.ended();
    h.shell.open();
    await tick();
    h.execs[0].end({ exitCode: null, reason: 'ConnectionLost', message: 'connection closed without an exit status' });
    await ended;
    assert.match(h.text(), /Connection lost/);

    const h2 = harness([running(0, 'a'), running(0, 'b')]);
    const ended2 = h2.ended();
    h2.shell.open();
    await tick();
    h2.execs[0].end({ exitCode: null, reason: 'ConnectionLost' });
    await ended2;
    assert.match(h2.text(), /Pod p-0 was replaced/);
  });

  it('as-user without runuser/su says what is needed; dispose closes the exec', async () => {
    const h = harness([running()]);
    const ended = h.ended();
    h.shell.open();
    await tick();
    h.execs[0].end({ exitCode: NO_SWITCH_USER_EXIT, reason: 'NonZeroExitCode' });
    await ended;
    assert.match(h.text(), /Could not switch user/);
    const h2 = harness([running()]);
    h2.shell.open();
    await tick();
    h2.shell.dispose();
    assert.equal(h2.shell.state, 'closed');
    assert.deepEqual(h2.closed, [undefined]);
  });
});
