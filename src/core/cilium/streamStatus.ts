// States of the drop stream, per agent and overall, with the words shown to the user.

export type AgentState =
  'streaming' | 'reconnecting' | 'missing' | 'not-ready' | 'hubble-disabled' | 'forbidden' | 'ended' | 'error';

export interface AgentStatus {
  readonly node: string;
  readonly pod?: string;
  readonly state: AgentState;
  readonly message?: string;
  /** While reconnecting: the attempt under way (1-based). */
  readonly attempt?: number;
}

export type StreamStatusKind =
  | 'starting'
  | 'streaming'
  | 'reconnecting'
  | 'no-pods'
  | 'no-cilium'
  | 'hubble-disabled'
  | 'forbidden'
  | 'no-access'
  | 'agent-not-ready'
  | 'ended'
  | 'error'
  | 'stopped';

/** Where flows come from, for the panel header. */
export interface FlowSourceInfo {
  readonly kind: 'relay' | 'exec' | 'none';
  /** One line: which relay pod or agents, and the relay's ServerStatus (nodes, flows seen, version). */
  readonly detail: string;
  /** For `none`: the commands an admin would run to grant the missing permission. */
  readonly grant?: string;
}

export interface StreamStatus {
  readonly kind: StreamStatusKind;
  readonly message?: string;
  readonly agents?: readonly AgentStatus[];
  readonly source?: FlowSourceInfo;
}

/** client-node's ApiException carries `code`; a failed WebSocket upgrade says "403" in its message. */
export function isForbidden(err: unknown): boolean {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
    if (e.code === 403 || e.statusCode === 403) return true;
    if (typeof e.message === 'string') return forbiddenText(e.message);
  }
  return false;
}

function forbiddenText(s: string): boolean {
  return /\b403\b|forbidden/i.test(s);
}

// `hubble observe` inside the agent talks to the local Hubble server over unix:///var/run/cilium/hubble.sock;
// with Hubble disabled the socket is absent ("failed to connect to 'unix:///var/run/cilium/hubble.sock': ...").
const HUBBLE_DOWN = /hubble\.sock|failed to connect to|hubble.*(disabled|not enabled)|Unavailable desc/i;
const HUBBLE_MISSING = /executable file not found|hubble: not found|hubble: command not found/i;
// A running `hubble observe` whose server went away (agent restarting): gRPC's Unavailable on a read, not a dial.
const STREAM_LOST =
  /error reading from server|transport is closing|connection reset by peer|stream terminated by RST_STREAM/i;

export function classifyExecEnd(
  node: string,
  pod: string,
  stderr: string,
  result: { exitCode: number | null; reason: string; message?: string },
): { state: AgentState; message: string } {
  const tail = stderr.trim().split('\n').slice(-3).join(' ').trim();
  const detail = tail || result.message || `exit code ${result.exitCode ?? 'unknown'}`;
  if (result.reason === 'Error' && result.message && forbiddenText(result.message)) {
    return {
      state: 'forbidden',
      message: `Exec into ${pod} in kube-system is forbidden for your user (${result.message}). Drops need pods/exec there; ask a cluster admin.`,
    };
  }
  if (HUBBLE_MISSING.test(stderr) || result.exitCode === 127) {
    return { state: 'hubble-disabled', message: `The Cilium agent ${pod} on ${node} has no hubble CLI (${detail}).` };
  }
  if (STREAM_LOST.test(stderr)) {
    return {
      state: 'ended',
      message: `The Hubble stream from ${pod} on ${node} was lost (${detail}); the agent may be restarting.`,
    };
  }
  if (HUBBLE_DOWN.test(stderr)) {
    return {
      state: 'hubble-disabled',
      message: `Hubble is not enabled on the Cilium agent ${pod} (node ${node}): ${detail}. Enable it (Helm value hubble.enabled=true) to see drops.`,
    };
  }
  if (result.reason === 'ConnectionLost') {
    return {
      state: 'ended',
      message: `The connection to ${pod} on ${node} was lost${result.message ? `: ${result.message}` : ''}.`,
    };
  }
  if (result.reason === 'Error') return { state: 'error', message: `Exec into ${pod} failed: ${detail}` };
  return { state: 'ended', message: `hubble observe on ${pod} (node ${node}) ended: ${detail}.` };
}

/** One status for the panel: streaming if any agent streams, else the most telling problem. */
export function summarizeAgents(agents: readonly AgentStatus[]): StreamStatus {
  if (agents.length === 0) return { kind: 'starting', agents };
  const streaming = agents.filter((a) => a.state === 'streaming');
  if (streaming.length > 0) {
    const nodes = streaming.map((a) => a.node).join(', ');
    const problems = agents
      .filter((a) => a.state !== 'streaming')
      .map((a) => a.message)
      .filter(Boolean);
    const note = problems.length > 0 ? ` Not covered: ${problems.join(' ')}` : '';
    return { kind: 'streaming', message: `Watching drops on ${nodes}.${note}`, agents };
  }
  const reconnecting = agents.filter((a) => a.state === 'reconnecting');
  if (reconnecting.length > 0) {
    const others = agents
      .filter((a) => a.state !== 'reconnecting')
      .map((a) => a.message)
      .filter(Boolean);
    return { kind: 'reconnecting', message: [...reconnecting.map((a) => a.message), ...others].join(' '), agents };
  }
  const order: [AgentState, StreamStatusKind][] = [
    ['forbidden', 'forbidden'],
    ['hubble-disabled', 'hubble-disabled'],
    ['not-ready', 'agent-not-ready'],
    ['missing', 'agent-not-ready'],
    ['error', 'error'],
    ['ended', 'ended'],
  ];
  for (const [state, kind] of order) {
    const hit = agents.filter((a) => a.state === state);
    if (hit.length > 0) return { kind, message: hit.map((a) => a.message).join(' '), agents };
  }
  return { kind: 'error', message: 'Unknown stream state.', agents };
}
