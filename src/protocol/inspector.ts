// The Sandbox Inspector's message protocol, declared once and shared by the extension host and the webview.
// Every message is checked on arrival (parseHostMessage in the webview, parseWebviewMessage in the host);
// unknown or malformed ones are dropped and logged.
import { arr, bool, int, literal, obj, optional, str, union, type Infer } from './guard';

const name = str({ max: 253 });
const text = str({ max: 8192 });
const time = str({ max: 64 });
/** What a suggestion id may be (rows with any other id are sent without a suggestion). */
export const SUGGESTION_ID = /^[\w.:/@*-]{1,256}$/;
const id = str({ max: 256, pattern: SUGGESTION_ID });

export const riskLevelSchema = literal('low', 'medium', 'high', 'critical');
export const statusKindSchema = literal(
  'starting',
  'streaming',
  'reconnecting',
  'no-pods',
  'no-cilium',
  'hubble-disabled',
  'forbidden',
  'no-access',
  'agent-not-ready',
  'ended',
  'error',
  'stopped',
);
const explanationKind = literal('policy-egress', 'policy-deny-rule', 'policy-ingress', 'datapath', 'dns-refused');

const flowRow = obj({
  id,
  firstTime: time,
  lastTime: time,
  count: int(1),
  direction: literal('EGRESS', 'INGRESS', 'UNKNOWN'),
  source: text,
  destination: text,
  protocol: str({ max: 16 }),
  flags: str({ max: 64 }),
  reasonName: str({ max: 128 }),
  reasonText: str({ max: 512 }),
  nodes: arr(name, 64),
  kind: explanationKind,
  suggestionId: optional(id),
});

const summaryRow = obj({
  destination: text,
  count: int(1),
  rows: int(1),
  lastTime: time,
  reasons: arr(str({ max: 128 }), 64),
  sources: arr(text, 256),
  kind: explanationKind,
  explanation: text,
  suggestionId: optional(id),
  suggestionYaml: optional(text),
  warning: optional(text),
});

const agentRow = obj({
  node: name,
  pod: optional(name),
  state: literal('streaming', 'reconnecting', 'missing', 'not-ready', 'hubble-disabled', 'forbidden', 'ended', 'error'),
  message: optional(text),
  /** While reconnecting: which attempt is under way. */
  attempt: optional(int(1, 1000)),
});

const flowSource = obj({ kind: literal('relay', 'exec', 'none'), detail: text, grant: optional(text) });
const streamStatus = obj({
  kind: statusKindSchema,
  message: optional(text),
  agents: arr(agentRow, 1024),
  source: optional(flowSource),
});

const valued = obj({
  value: optional(int()),
  source: literal('pod', 'annotation', 'values', 'risk table', 'API default'),
});
const finding = obj({
  field: literal('grace', 'appTimeout', 'deadline', 'activeDeadline'),
  severity: literal('error', 'warning', 'info'),
  direction: literal('too-short', 'too-long', 'inconsistent', 'not-enforced'),
  message: text,
});
const podTimeouts = obj({
  pod: name,
  node: optional(name),
  phase: optional(str({ max: 32 })),
  containers: arr(obj({ name, preStop: bool() }), 64),
  grace: valued,
  activeDeadline: valued,
  appTimeout: valued,
  deadline: valued,
  findings: arr(finding, 64),
});
const timeoutsView = obj({
  riskLevel: riskLevelSchema,
  riskSource: literal('pod', 'annotation', 'values', 'risk table', 'API default'),
  expected: obj({ appTimeoutSeconds: int(), deadlineSeconds: int(), graceMin: int(), graceMax: int() }),
  valuesFile: optional(str({ max: 4096 })),
  pods: arr(podTimeouts, 1024),
  error: optional(text),
});

const counters = obj({ total: int(), evicted: int(), capacity: int(1), skipped: int() });

/** Host → webview. */
export const hostMessageSchema = union({
  init: obj({ type: literal('init'), namespace: name, release: name, context: optional(str({ max: 512 })) }),
  'network/snapshot': obj({
    type: literal('network/snapshot'),
    rows: arr(flowRow),
    summary: arr(summaryRow),
    counters,
    status: streamStatus,
  }),
  // A batch of updates goes in chunks; only its first chunk carries the summary (it describes the whole batch).
  'network/update': obj({
    type: literal('network/update'),
    rows: arr(flowRow),
    removed: arr(id),
    summary: optional(arr(summaryRow)),
    counters,
  }),
  'network/status': obj({ type: literal('network/status'), status: streamStatus }),
  timeouts: obj({ type: literal('timeouts'), view: timeoutsView }),
  notice: obj({ type: literal('notice'), level: literal('info', 'warning', 'error'), text }),
});

/** Webview → host. */
export const webviewMessageSchema = union({
  ready: obj({ type: literal('ready') }),
  addToValues: obj({ type: literal('addToValues'), suggestionId: id }),
  export: obj({ type: literal('export') }),
  reconnect: obj({ type: literal('reconnect') }),
  clear: obj({ type: literal('clear') }),
  refreshTimeouts: obj({ type: literal('refreshTimeouts') }),
  pickValuesFile: obj({ type: literal('pickValuesFile') }),
  setRiskLevel: obj({ type: literal('setRiskLevel'), level: riskLevelSchema, via: literal('values', 'helm') }),
  forceKill: obj({ type: literal('forceKill'), pod: str({ max: 253, pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/ }) }),
});

export type HostMessage = Infer<typeof hostMessageSchema>;
export type WebviewMessage = Infer<typeof webviewMessageSchema>;
export type FlowRow = Infer<typeof flowRow>;
export type SummaryRow = Infer<typeof summaryRow>;
export type StreamStatusView = Infer<typeof streamStatus>;
export type TimeoutsView = Infer<typeof timeoutsView>;
export type PodTimeoutsView = Infer<typeof podTimeouts>;
export type Counters = Infer<typeof counters>;
export type RiskLevelName = Infer<typeof riskLevelSchema>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

export function parseHostMessage(v: unknown): Parsed<HostMessage> {
  const error = hostMessageSchema.check(v, 'message');
  return error ? { ok: false, error } : { ok: true, message: v as HostMessage };
}

export function parseWebviewMessage(v: unknown): Parsed<WebviewMessage> {
  const error = webviewMessageSchema.check(v, 'message');
  return error ? { ok: false, error } : { ok: true, message: v as WebviewMessage };
}

/** What the webview keeps across hide/show (vscode.setState), checked like a message when restored. */
export const webviewStateSchema = obj({
  tab: literal('network', 'timeouts'),
  filter: str({ max: 512 }),
  paused: bool(),
  /** Which release the panel shows, so a restarted VS Code can revive it. */
  namespace: optional(name),
  release: optional(name),
});
export type WebviewState = Infer<typeof webviewStateSchema>;
