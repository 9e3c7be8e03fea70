// Automatic reconnect of lost drop streams, against the simulated cluster: the real exec layer (WebSocket) into
// the simulated Cilium agents, whose pods the simulated kubelet crashes, stops, replaces, and whose API server
// drops every connection. Flows after (and during) the outage reach the model without a user action, none
// twice; giving up leaves the explaining state; disposing the session leaves no timer and no exec behind.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster, type SimCluster } from '../../sim/cluster';
import type { TrafficRequest, TrafficResult } from '../../sim/kubelet';
import type { StreamStatus } from '../../../src/core/cilium/streamStatus';
import type { InspectorSession } from '../../../src/core/inspector/inspectorSession';
import { NS, denyEgress, makePod, recordedSession, sleep, waitFor, type RecordedSession } from './simKit';

/** Fast backoff for tests: attempts at ~50–100, 100–200, 200–400, 200–400 … ms. */
const FAST = { baseMs: 100, maxMs: 400, attempts: 8 };

const allStreaming = (st: StreamStatus) =>
  st.kind === 'streaming' && (st.agents ?? []).length === 2 && (st.agents ?? []).every((a) => a.state === 'streaming');
const nodeState =
  (node: string, ...states: string[]) =>
  (st: StreamStatus) =>
    (st.agents ?? []).some((a) => a.node === node && states.includes(a.state));

describe('inspector: lost drop streams reconnect by themselves (simulated cluster)', function () {
  this.timeout(60_000);
  let c: SimCluster;
  let dir: string;
  let kc: KubeConfig;
  const sessions: InspectorSession[] = [];
  const traffic = (r: TrafficRequest): Promise<TrafficResult> => c.kubelet.traffic.request(r);
  const core = () => kc.makeApiClient(CoreV1Api);

  async function agentOn(node: string): Promise<string> {
    const pods = (await core().listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=cilium' })).items;
    const p = pods.find(
      (x) =>
        x.spec?.nodeName === node &&
        !x.metadata?.deletionTimestamp &&
        x.status?.conditions?.some((k) => k.type === 'Ready' && k.status === 'True'),
    );
    if (!p?.metadata?.name) throw new Error(`no ready agent on ${node}`);
    return p.metadata.name;
  }

  async function streaming(extra = {}): Promise<RecordedSession> {
    const r = recordedSession(kc, 'sbx1', { reconnect: FAST, ...extra });
    sessions.push(r.s);
    await r.s.start();
    await r.s.whenStatus(allStreaming);
    // `hubble observe --follow` subscribes a moment after the exec starts.
    await sleep(300);
    return r;
  }

  /** Flows in the model (each record once: the ring counts what was added). */
  const flows = (s: InspectorSession) => s.model.size;

  before(async () => {
    c = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'inspector-reconnect-'));
    kc = new KubeConfig();
    kc.loadFromFile(c.writeKubeconfig(join(dir, 'kubeconfig')));
    await core().createNamespace({ body: { metadata: { name: NS } } });
    await Promise.all([
      makePod(kc, 'sbx1-default-0', 'sbx1', 'sim-node-1'),
      makePod(kc, 'sbx1-web-0', 'sbx1', 'sim-node-2'),
    ]);
    await denyEgress(kc, 'sbx1');
    await waitFor(
      'both agents ready',
      async () => (await agentOn('sim-node-1').catch(() => '')) && (await agentOn('sim-node-2').catch(() => '')),
    );
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    c.kubelet.faults.startAgent('sim-node-1');
    c.kubelet.faults.startAgent('sim-node-2');
    await waitFor(
      'both agents ready again',
      async () => (await agentOn('sim-node-1').catch(() => '')) && (await agentOn('sim-node-2').catch(() => '')),
    );
  });

  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the agent container restarts mid-stream: "reconnecting (attempt n)", then later flows arrive, none twice', async () => {
    const { s, messages, execs } = await streaming();
    const agent = await agentOn('sim-node-1');
    const a = await traffic({
      namespace: NS,
      pod: 'sbx1-default-0',
      destination: { domain: 'api.example.com', port: 443, protocol: 'TCP' },
    });
    await waitFor('the first flows', () => flows(s) >= a.flows);
    c.kubelet.faults.crash('kube-system', agent, 'cilium-agent');
    await s.whenStatus(nodeState('sim-node-1', 'reconnecting'));
    await s.whenStatus(allStreaming);
    await sleep(300);
    const b = await traffic({
      namespace: NS,
      pod: 'sbx1-default-0',
      destination: { ip: '203.0.113.9', port: 8443, protocol: 'TCP' },
    });
    await waitFor('flows after the restart', () => flows(s) >= a.flows + b.flows);
    await sleep(300);
    assert.equal(flows(s), a.flows + b.flows, 'each record once: the replay after --since is dropped');
    assert.deepEqual([...s.model.suggestions().keys()].sort(), [
      'allowCIDR:203.0.113.9/32',
      'allowDomains:api.example.com',
    ]);
    // The node's second exec resumed from the last flow it had seen.
    const onNode1 = execs.filter((t) => t.pod === agent);
    assert.equal(onNode1.length, 2, 'one reconnect on node 1');
    const since = onNode1[1].command[onNode1[1].command.indexOf('--since') + 1];
    assert.match(since, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    assert.ok(!onNode1[0].command.includes('--since'), 'the first exec follows from now');
    assert.ok(
      execs.every((t) => !t.command.includes('--since') || t.pod === agent),
      'node 2 was not touched',
    );
    // What the panel showed meanwhile.
    const shown = messages
      .flatMap((m) => (m.type === 'network/status' ? m.status.agents : []))
      .find((x) => x.state === 'reconnecting');
    assert.ok(shown, 'a reconnecting state was posted');
    assert.equal(shown.attempt, 1);
    assert.match(shown.message ?? '', /Reconnecting \(attempt 1 of 8\)…/);
  });

  it('the agent is down for a while: attempts continue, and flows from the outage arrive after it (--since)', async () => {
    const { s } = await streaming();
    c.kubelet.faults.stopAgent('sim-node-2');
    await s.whenStatus(nodeState('sim-node-2', 'reconnecting'));
    // Recorded by the node's Hubble while no stream is attached.
    const during = await traffic({
      namespace: NS,
      pod: 'sbx1-web-0',
      destination: { domain: 'pypi.org', port: 443, protocol: 'TCP' },
    });
    await waitFor('a later attempt', () =>
      (s.streamStatus.agents ?? []).some((x) => x.node === 'sim-node-2' && (x.attempt ?? 0) >= 2),
    );
    assert.equal(flows(s), 0, 'nothing while the agent is down');
    c.kubelet.faults.startAgent('sim-node-2');
    await s.whenStatus(allStreaming);
    await waitFor('the outage flows', () => flows(s) >= during.flows);
    await sleep(300);
    assert.equal(flows(s), during.flows);
    assert.ok(s.model.groups().some((g) => g.flow.destination.names.includes('pypi.org')));
  });

  it('the agent pod is replaced (DaemonSet): the stream follows the new pod', async () => {
    const { s, execs } = await streaming();
    const old = await agentOn('sim-node-2');
    await core().deleteNamespacedPod({ namespace: 'kube-system', name: old });
    await s.whenStatus(nodeState('sim-node-2', 'reconnecting'));
    const fresh = await waitFor('a new agent on node 2', async () => {
      const name = await agentOn('sim-node-2').catch(() => undefined);
      return name !== old && name;
    });
    await s.whenStatus(allStreaming);
    assert.equal(execs[execs.length - 1].pod, fresh);
    await sleep(300);
    const r = await traffic({
      namespace: NS,
      pod: 'sbx1-web-0',
      destination: { ip: '198.51.100.4', port: 443, protocol: 'TCP' },
    });
    await waitFor('flows through the new agent', () => flows(s) >= r.flows);
  });

  it('the API server drops every connection (websocket closed): reconnects once it listens again', async () => {
    const { s } = await streaming();
    await c.faults.stopListening();
    await s.whenStatus((st) => st.kind === 'reconnecting');
    await sleep(200);
    await c.faults.startListening();
    await s.whenStatus(allStreaming);
    await sleep(300);
    const r = await traffic({
      namespace: NS,
      pod: 'sbx1-default-0',
      destination: { domain: 'example.net', port: 443, protocol: 'TCP' },
    });
    await waitFor('flows after the API came back', () => flows(s) >= r.flows);
  });

  it('gives up after the attempts: the explaining state stays (Reconnect button), no timer left; Reconnect works', async () => {
    const { s, execs } = await streaming({ reconnect: { baseMs: 50, maxMs: 100, attempts: 2 } });
    c.kubelet.faults.stopAgent('sim-node-1');
    const st = await s.whenStatus(
      (x) =>
        nodeState('sim-node-1', 'not-ready', 'ended', 'error')(x) &&
        !nodeState('sim-node-1', 'reconnecting')(x) &&
        /Gave up/.test(x.message ?? ''),
    );
    assert.equal(st.kind, 'streaming', 'node 2 still streams');
    assert.match(st.message ?? '', /Gave up after 2 attempts to reconnect: use Reconnect to try again/);
    assert.equal(s.pendingRetries, 0);
    const count = execs.length;
    await sleep(500);
    assert.equal(execs.length, count, 'no more attempts');
    c.kubelet.faults.startAgent('sim-node-1');
    await waitFor('agent 1 ready', () => agentOn('sim-node-1').catch(() => undefined));
    await s.handle({ type: 'reconnect' });
    await s.whenStatus(allStreaming);
  });

  it('disposing the session (panel closed) stops every retry: no timer, no new exec, no exec left in the agents', async () => {
    const { s, execs } = await streaming({ reconnect: { baseMs: 300, maxMs: 600, attempts: 8 } });
    c.kubelet.faults.stopAgent('sim-node-1');
    await s.whenStatus(nodeState('sim-node-1', 'reconnecting'));
    assert.equal(s.pendingRetries, 1);
    s.dispose();
    assert.equal(s.pendingRetries, 0);
    const count = execs.length;
    c.kubelet.faults.startAgent('sim-node-1');
    await sleep(1200);
    assert.equal(execs.length, count, 'no exec after dispose');
    for (const node of ['sim-node-1', 'sim-node-2']) {
      const agent = await agentOn(node);
      await waitFor(`no exec left in ${agent}`, () => c.kubelet.liveExecs('kube-system', agent, 'cilium-agent') === 0);
    }
  });
});
