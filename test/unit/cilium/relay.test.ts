// The Hubble Relay client against a real grpc-js server speaking our observer proto (observerProto.ts), through a real local TCP
// forward (the test's stand-in for the Kubernetes port-forward; the simulator tests cover the real one).
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { DropModel } from '../../../src/core/cilium/model';
import { timestampOf, timestampText } from '../../../src/core/cilium/relay/decode';
import { RelayStream, type RelayStreamPorts } from '../../../src/core/cilium/relay/stream';
import type { Flow } from '../../../src/core/cilium/flow';
import type { PodLike } from '../../../src/core/kube/objects';
import type { StreamStatus } from '../../../src/core/cilium/streamStatus';
import { relayFlow, startFakeRelay, type FakeRelay } from '../../support/relayServer';

const NS = 'evals';
const REL = 'rel1';
/** Flows are recent, as a live relay's are (a resume point starts at the connect time). */
let T0 = 0;

function pod(name: string, ns: string, labels: Record<string, string>, ip?: string): PodLike {
  return {
    metadata: { name, namespace: ns, labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

interface Harness {
  ports: RelayStreamPorts;
  relays: Map<string, FakeRelay>;
  forwards: string[];
  forbidden: boolean;
}

function harness(): Harness {
  const h: Harness = {
    relays: new Map(),
    forwards: [],
    forbidden: false,
    ports: undefined as unknown as RelayStreamPorts,
  };
  h.ports = {
    async listPods(ns, selector) {
      if (ns === NS && selector === `app.kubernetes.io/instance=${REL}`)
        return [pod(`${REL}-default-0`, NS, { 'app.kubernetes.io/instance': REL }, '10.0.0.5')];
      if (ns === 'cilium' && selector === 'k8s-app=hubble-relay')
        return [...h.relays.keys()].map((n) => pod(n, 'cilium', { 'k8s-app': 'hubble-relay' }));
      return [];
    },
    forward(ns, podName, port) {
      return async (socket) => {
        h.forwards.push(`${ns}/${podName}:${port}`);
        if (h.forbidden) throw new Error('Unexpected server response: 403');
        const relay = h.relays.get(podName);
        if (!relay) throw new Error(`pods "${podName}" not found`);
        const up = net.connect(relay.port, '127.0.0.1');
        await new Promise<void>((resolve, reject) => up.once('connect', resolve).once('error', reject));
        socket.pipe(up).pipe(socket);
        up.on('close', () => socket.destroy());
        socket.on('close', () => up.destroy());
      };
    },
  };
  return h;
}

function collect(h: Harness) {
  const flows: Flow[] = [];
  const statuses: StreamStatus[] = [];
  const model = new DropModel();
  const stream = new RelayStream(h.ports, {
    namespace: NS,
    release: REL,
    ciliumNamespace: 'cilium',
    reconnect: { baseMs: 20, maxMs: 50, attempts: 5 },
    random: () => 0,
    onFlow: (f, raw) => {
      flows.push(f);
      model.add(f, raw);
    },
    onStatus: (s) => statuses.push(s),
  });
  const until = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 600 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(pred(), `timed out waiting for ${what}`);
  };
  return { flows, statuses, model, stream, until };
}

describe('cilium: Hubble Relay client', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  beforeEach(() => {
    T0 = Math.floor(Date.now() / 1000);
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('timestamps round-trip to the nanosecond', () => {
    assert.equal(timestampText({ seconds: '1790000000', nanos: 5 }), '2026-09-21T14:13:20.000000005Z');
    assert.equal(timestampText({ seconds: 1790000000, nanos: 0 }), '2026-09-21T14:13:20Z');
    assert.deepEqual(timestampOf('2026-09-21T14:13:20.000000005Z'), { seconds: '1790000000', nanos: 5 });
  });

  it("asks for the release pods' drops server-side, shows ServerStatus in the source, and decodes flows and DNS refusals", async () => {
    const h = harness();
    const relay = await startFakeRelay();
    cleanup.push(() => relay.shutdown());
    h.relays.set('hubble-relay-a', relay);
    const c = collect(h);
    cleanup.push(() => c.stream.stop());
    relay.onCall = (call) => {
      call.write(
        relayFlow({
          seconds: T0,
          namespace: NS,
          pod: `${REL}-default-0`,
          release: REL,
          names: ['example.com'],
          uuid: 'u1',
        }),
      );
      call.write(
        relayFlow({
          seconds: T0 + 1,
          namespace: NS,
          pod: `${REL}-default-0`,
          release: REL,
          dnsQuery: 'api.openai.com',
          uuid: 'u2',
        }),
      );
      call.write({ node_status: { state_change: 'NODE_CONNECTED', node_names: ['node-a'] }, node_name: 'node-a' });
      // Not this release (a relay that ignored filters would send it): the client-side scope still drops it.
      call.write(relayFlow({ seconds: T0 + 2, namespace: 'other', pod: 'x-0', uuid: 'u3' }));
    };
    await c.stream.start();
    await c.until(() => c.flows.length === 2 && c.stream.skippedLines === 1, 'two flows');
    const req = relay.requests[0];
    assert.equal(req.follow, true);
    const since = Number((req.since as { seconds?: string } | undefined)?.seconds);
    assert.ok(
      since <= T0 && since >= T0 - 10,
      'a first connect asks from its own start (less a skew margin), not for all history',
    );
    assert.deepEqual(req.whitelist, [
      { source_pod: [`${NS}/${REL}-default-0`], verdict: ['DROPPED'] },
      { destination_pod: [`${NS}/${REL}-default-0`], verdict: ['DROPPED'] },
    ]);
    assert.deepEqual(h.forwards.slice(0, 1), ['cilium/hubble-relay-a:4245']);
    const s = c.stream.status;
    assert.equal(s.kind, 'streaming');
    assert.equal(s.source?.kind, 'relay');
    assert.match(
      s.source?.detail ?? '',
      /Hubble Relay cilium\/hubble-relay-a 1\.18\.3: 2 nodes connected, 0 unavailable, 1234 flows seen/,
    );
    assert.equal(c.flows[0].destination.names[0], 'example.com');
    assert.equal(c.flows[0].dropReasonName, 'POLICY_DENIED');
    assert.deepEqual(c.flows[1].dns, { query: 'api.openai.com', qtypes: ['A'], rcode: 'REFUSED', via: 'cilium' });
    const dnsGroup = c.model.groups().find((g) => g.flow.dns);
    assert.equal(dnsGroup?.explanation.kind, 'dns-refused');
    assert.deepEqual(dnsGroup?.explanation.entry, { key: 'allowDomains', domain: 'api.openai.com' });
    assert.match(dnsGroup?.explanation.text ?? '', /Service default asked/);
    assert.match(c.model.exportJsonl().split('\n')[0], /"uuid":"u1"/);
  });

  it('a replaced relay pod: reconnects to the new pod with since = the last flow, and shows no replayed row twice', async () => {
    const h = harness();
    const a = await startFakeRelay();
    cleanup.push(() => a.shutdown());
    h.relays.set('hubble-relay-a', a);
    const c = collect(h);
    cleanup.push(() => c.stream.stop());
    // A minute ahead: the resume point is the later of the last flow and the stream's start (less 2 s), so a flow
    // stamped "now" would lose to a start delayed by a loaded machine.
    const t = T0 + 60;
    const first = relayFlow({
      seconds: t,
      nanos: 250,
      namespace: NS,
      pod: `${REL}-default-0`,
      release: REL,
      names: ['example.com'],
    });
    a.onCall = (call) => call.write(first);
    await c.stream.start();
    await c.until(() => c.flows.length === 1, 'the first flow');
    const b = await startFakeRelay();
    cleanup.push(() => b.shutdown());
    b.onCall = (call) => {
      call.write(first); // the relay replays what it has since `since`, the last seen flow included
      call.write(
        relayFlow({ seconds: t + 5, namespace: NS, pod: `${REL}-default-0`, release: REL, names: ['example.org'] }),
      );
    };
    h.relays.delete('hubble-relay-a');
    h.relays.set('hubble-relay-b', b);
    await a.shutdown();
    await c.until(() => c.flows.length === 2, 'the flow after the reconnect');
    assert.ok(
      c.statuses.some((s) => s.kind === 'reconnecting'),
      'showed reconnecting',
    );
    assert.deepEqual(b.requests[0].since, { seconds: String(t), nanos: 250 });
    assert.deepEqual(
      c.flows.map((f) => f.destination.names[0]),
      ['example.com', 'example.org'],
    );
    assert.equal(
      c.model.groups().reduce((n, g) => n + g.count, 0),
      2,
      'no duplicate row',
    );
    assert.match(c.stream.status.source?.detail ?? '', /hubble-relay-b/);
  });

  it('a forbidden port-forward stays as a forbidden state (no retry loop) and says why', async () => {
    const h = harness();
    const relay = await startFakeRelay();
    cleanup.push(() => relay.shutdown());
    h.relays.set('hubble-relay-a', relay);
    h.forbidden = true;
    const c = collect(h);
    cleanup.push(() => c.stream.stop());
    await c.stream.start();
    assert.equal(c.stream.status.kind, 'forbidden');
    assert.match(c.stream.status.message ?? '', /403/);
    assert.equal(c.stream.pendingRetries, 0);
  });
});
