// The exec layer (src/core/exec) inside the real extension host against the seeded simulated cluster: stdout,
// stdin, and the exit code as the kubelet reports it.
import { strict as assert } from 'node:assert';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startExec } from '../../../src/core/exec/startExec';
import type { ExecSession } from '../../../src/core/exec/types';
import { e2eContext } from './context';

function collect(s: ExecSession): Promise<string> {
  let out = '';
  s.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return s.done.then(() => out);
}

describe('exec layer (in the extension host)', () => {
  const ctx = e2eContext();
  const kc = new KubeConfig();
  let target: { namespace: string; pod: string; container: string };

  before(async function () {
    if (!ctx.kubeconfig || ctx.seeded.length === 0) throw new Error('the harness seeded no cluster');
    kc.loadFromFile(ctx.kubeconfig);
    const { namespace, pods } = ctx.seeded[0];
    const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace, name: pods[0] });
    target = { namespace, pod: pods[0], container: pod.spec!.containers[0].name };
  });

  it('runs a command and reports exit code 0 with its output', async () => {
    const s = startExec(kc, { ...target, command: ['sh', '-c', 'echo $((6*7))'] });
    const out = await collect(s);
    assert.equal(out.trim(), '42');
    assert.deepEqual(await s.done, { exitCode: 0, reason: 'Success' });
  });

  it('reports a non-zero exit code as NonZeroExitCode', async () => {
    const s = startExec(kc, { ...target, command: ['sh', '-c', 'exit 3'] });
    const r = await s.done;
    assert.equal(r.exitCode, 3);
    assert.equal(r.reason, 'NonZeroExitCode');
  });

  it('pipes stdin through to the process', async () => {
    const s = startExec(kc, { ...target, command: ['sh', '-c', 'read line; echo "got:$line"'] }, { stdin: true });
    const out = collect(s);
    s.write('sandbox\n');
    s.endInput();
    assert.equal((await out).trim(), 'got:sandbox');
    assert.equal((await s.done).exitCode, 0);
  });
});
