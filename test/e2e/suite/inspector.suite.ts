// The Sandbox Inspector's host model inside the real extension host: drops generated in the simulated cluster
// reach the session through the exec layer (hubble observe on the Cilium agents) as rows with reason and
// destination; the Timeouts view reports the release's risk level from the cluster.
import { strict as assert } from 'node:assert';
import { KubeConfig } from '@kubernetes/client-node';
import { kubePorts } from '../../../src/core/inspector/kubePorts';
import type { HostMessage } from '../../../src/protocol/inspector';
import { buildTimeoutsView } from '../../../src/core/inspector/rows';
import { InspectorSession } from '../../../src/core/inspector/inspectorSession';
import { control, e2eContext } from './context';

const noActions = {
  addToValues: async () => undefined,
  exportJsonl: async () => undefined,
  pickValuesFile: async () => undefined,
  setRiskLevel: async () => undefined,
  forceKill: async () => undefined,
};

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('inspector model (in the extension host)', () => {
  const ctx = e2eContext();
  const kc = new KubeConfig();
  const seeded = () => {
    const r = ctx.seeded.find((s) => s.release === 'agent-egress') ?? ctx.seeded[0];
    if (!r) throw new Error('the harness seeded no release');
    return r;
  };
  let session: InspectorSession | undefined;
  const messages: HostMessage[] = [];

  before(() => {
    if (!ctx.kubeconfig) throw new Error('the harness seeded no cluster');
    kc.loadFromFile(ctx.kubeconfig);
  });
  after(() => session?.dispose());

  it('streams generated Cilium drops for the release as rows with reason and destination', async () => {
    const { namespace, release, pods } = seeded();
    const ports = kubePorts(kc);
    session = new InspectorSession({
      namespace,
      release,
      ports,
      loadTimeouts: async () => buildTimeoutsView(await ports.releasePods(namespace, release), {}),
      post: (m) => messages.push(m),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      actions: noActions,
      batchMs: 50,
    });
    await session.start();
    await session.whenStatus((s) => s.kind === 'streaming');
    const rows = () =>
      messages.flatMap((m) => (m.type === 'network/update' || m.type === 'network/snapshot' ? m.rows : []));
    // A name outside allowDomains never resolves: our chart's CoreDNS sidecar answers NXDOMAIN (a DNS row).
    await control({ op: 'traffic', namespace, pod: pods[0], domain: 'api.openai.com', port: 443 });
    const refused = await until('a DNS refusal row for api.openai.com', () =>
      rows().find((r) => r.destination.includes('api.openai.com')),
    );
    assert.match(refused.reasonName, /DNS_NXDOMAIN/);
    // An allowed name (fixture 05 allows pypi.org) on a port the policy does not open: Cilium drops the SYN.
    await control({ op: 'traffic', namespace, pod: pods[0], domain: 'pypi.org', port: 22 });
    const row = await until('a drop row for pypi.org:22', () =>
      rows().find((r) => r.destination.includes('pypi.org') && /POLICY_DENIED/.test(r.reasonName)),
    );
    assert.equal(row.direction, 'EGRESS');
    assert.ok(row.source.includes(pods[0]), `source ${row.source} should name ${pods[0]}`);
  });

  it('reports the chart-default risk level (medium) and its 10 s grace per pod in the Timeouts view', async () => {
    const { namespace, release, pods } = seeded();
    const view = buildTimeoutsView(await kubePorts(kc).releasePods(namespace, release), {});
    assert.equal(view.riskLevel, 'medium');
    assert.deepEqual(view.pods.map((p) => p.pod).sort(), [...pods].sort());
    for (const p of view.pods) assert.equal(p.grace.value, 10, `${p.pod} grace`);
  });
});
