// Our DNS sidecar log reader (DnsLogStream over kubePorts' pods/log with follow + timestamps) against the simulated
// kubelet: a refusal row carries the kubelet's own timestamp (the one real kubectl prints with --timestamps), and
// after the sidecar restarts the reader resumes from the last line's time without a row twice.
import assert from 'node:assert/strict';
import { DnsLogStream } from '../../../src/core/cilium/dnsLogStream';
import type { Flow } from '../../../src/core/cilium/flow';
import { kubePorts } from '../../../src/core/inspector/kubePorts';
import { corednsLogLine } from '../../sim/kubelet/hubble/dns';
import { runningPod, simplePod, startEnv, statusOf, waitFor, type TestEnv } from '../../sim/kubelet/testkit';
import { kubectlVersions } from '../../support/tools';

const NS = 'dnslog';
const POD = 'rel1-default-0';

describe('DNS sidecar log reader against the sim kubelet (timestamps=true, sinceTime)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let stream: DnsLogStream | undefined;
  const rows: Flow[] = [];
  before(async () => {
    env = await startEnv();
    await runningPod(
      env,
      NS,
      simplePod(POD, {
        labels: { 'app.kubernetes.io/instance': 'rel1', 'inspect/service': 'default' },
        containers: ['default', 'coredns'],
      }),
    );
  });
  after(async () => {
    stream?.stop();
    await env?.stop();
  });

  it('a refusal row has the time the kubelet stamped on its line, as kubectl logs --timestamps prints it', async () => {
    stream = new DnsLogStream(kubePorts(env.kc), {
      namespace: NS,
      release: 'rel1',
      onFlow: (f) => rows.push(f),
      reconnect: { attempts: 5, baseMs: 100, maxMs: 400 },
    });
    assert.equal(await stream.start(), 1);
    env.kubelet.faults.log(NS, POD, 'coredns', corednsLogLine('api.openai.com', 'NXDOMAIN'));
    env.kubelet.faults.log(NS, POD, 'coredns', corednsLogLine('pypi.org', 'NOERROR'));
    const row = await waitFor('the refusal row', () => rows.find((r) => r.dns?.query === 'api.openai.com'));
    assert.match(row.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    for (const v of kubectlVersions) {
      const r = await env.kubectl(v, ['logs', '-n', NS, POD, '-c', 'coredns', '--timestamps']);
      assert.equal(r.code, 0, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.includes('api.openai.com'))!;
      assert.equal(line.split(' ')[0], row.time, `kubectl ${v} prints the same stamp`);
    }
    assert.equal(rows.length, 1, 'an answered lookup is no row');
  });

  it('the sidecar restarts: the reader follows again from the last line’s time; no row twice, none lost', async () => {
    const before = statusOf(env, NS, POD)!.containerStatuses!.find((c) => c.name === 'coredns')!.restartCount;
    env.kubelet.faults.crash(NS, POD, 'coredns', { reason: 'Error', exitCode: 1 });
    await waitFor('the sidecar restarted', () => {
      const c = statusOf(env, NS, POD)!.containerStatuses!.find((x) => x.name === 'coredns')!;
      return c.restartCount === before + 1 && c.ready;
    });
    await waitFor('following again', () => stream!.following.includes(POD));
    env.kubelet.faults.log(NS, POD, 'coredns', corednsLogLine('evil.example', 'NXDOMAIN'));
    await waitFor('the new refusal', () => rows.find((r) => r.dns?.query === 'evil.example'));
    assert.deepEqual(
      rows.map((r) => r.dns?.query),
      ['api.openai.com', 'evil.example'],
    );
  });
});
