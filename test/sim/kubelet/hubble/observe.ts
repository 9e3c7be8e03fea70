// The `hubble` CLI inside a Cilium agent container, run in-process: `observe [flows]` with the usual filters,
// --last/--first/--all/--since/--until/--follow and -o jsonpb|json|compact|dict|table; `status`; `version`.
// It reads only the flows of the agent's own node, as the local Hubble server does.
import type { Program, ProgramIO } from '../exec/session';
import { accepts, FILTER_FLAGS, FilterBuilder } from './filter';
import { EVENT_TYPES, type FlowBuffer, type GetFlowsResponse, nowNs } from './flows';

export const HUBBLE_SOCKET = 'unix:///var/run/cilium/hubble.sock';
/** What `hubble` prints when the local Hubble server is not there (Hubble disabled or agent down). */
export const UNAVAILABLE = `failed to connect to '${HUBBLE_SOCKET}': connection error: desc = "transport: error while dialing: dial unix /var/run/cilium/hubble.sock: connect: no such file or directory"`;
const STREAM_LOST = 'rpc error: code = Unavailable desc = error reading from server: EOF';
export const HUBBLE_VERSION = 'hubble v1.17.2@HEAD-0000000 compiled with go1.23.6 on linux/amd64';

export interface HubbleNode {
  name: string;
  buffer: FlowBuffer;
  /** Error text while the local Hubble server is unavailable. */
  unavailable(): string | undefined;
  /** Fires when the server goes away; returns the unsubscribe function. */
  onDown(fn: () => void): () => void;
}

const BOOLEAN = new Set([
  'follow',
  'f',
  'all',
  'print-node-name',
  'numeric',
  'not',
  'all-namespaces',
  'A',
  'from-all-namespaces',
  'to-all-namespaces',
  'ipv4',
  '4',
  'ipv6',
  '6',
  'debug',
  'D',
  'silent-errors',
  'print-raw-filters',
  'ignore-stderr',
  'ip-translation',
  'help',
  'h',
  'experimental-use-default-field-masks',
]);
const VALUE = new Set([
  'output',
  'o',
  'last',
  'first',
  'since',
  'until',
  'time-format',
  'color',
  'server',
  'timeout',
  'request-timeout',
  'config',
  'tls',
  'tls-server-name',
  'tls-ca-cert-files',
  'tls-client-cert-file',
  'tls-client-key-file',
  'basic-auth-username',
  'basic-auth-password',
  'input-file',
  'allowlist',
  'denylist',
  'experimental-field-mask',
  'port-forward-port',
  'kube-context',
  'kube-namespace',
  'kubeconfig',
]);
const VERDICTS = ['FORWARDED', 'DROPPED', 'AUDIT', 'REDIRECTED', 'ERROR', 'TRACED', 'TRANSLATED'];
const DROP_TEXT: Record<number, string> = {
  133: 'Policy denied',
  158: 'Service backend not found',
  181: 'Policy denied by denylist',
};
const MATCH_TYPE: Record<number, string> = {
  0: 'none',
  1: 'L3-Only',
  2: 'L3-L4',
  3: 'L4-Only',
  4: 'all',
  5: 'L7/HTTP',
};

class UsageError extends Error {}

interface ObserveOptions {
  output: string;
  follow: boolean;
  last?: number;
  first?: number;
  all: boolean;
  since?: bigint;
  until?: bigint;
  printNodeName: boolean;
  numeric: boolean;
  filters: ReturnType<FilterBuilder['build']>;
}

/** hubtime.FromString: RFC 3339 (or a date), or a Go duration meaning "that long ago". */
function parseTime(s: string): bigint {
  const dur = /^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (dur) {
    const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let ms = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
    return nowNs() - BigInt(Math.round(ms * 1e6));
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new UsageError(`failed to parse the since time: could not parse time: "${s}"`);
  return BigInt(t) * 1_000_000n;
}

function uint(flag: string, v: string): number {
  if (!/^\d+$/.test(v))
    throw new UsageError(
      `invalid argument "${v}" for "--${flag}" flag: strconv.ParseUint: parsing "${v}": invalid syntax`,
    );
  return Number(v);
}

export function parseObserve(args: string[]): ObserveOptions {
  const fb = new FilterBuilder();
  const o: ObserveOptions = {
    output: 'compact',
    follow: false,
    all: false,
    printNodeName: false,
    numeric: false,
    filters: { allow: [], deny: [] },
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') {
      if (i === 0 && a === 'flows') continue;
      throw new UsageError(`unknown command "${a}" for "hubble observe"`);
    }
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      value = eq < 0 ? undefined : a.slice(eq + 1);
      if (!BOOLEAN.has(name) && !VALUE.has(name) && !FILTER_FLAGS.has(name))
        throw new UsageError(`unknown flag: --${name}`);
    } else {
      name = a[1];
      value = a.length > 2 ? a.slice(a[2] === '=' ? 3 : 2) : undefined;
      if (!BOOLEAN.has(name) && !VALUE.has(name) && !FILTER_FLAGS.has(name))
        throw new UsageError(`unknown shorthand flag: '${name}' in ${a}`);
    }
    const isBool =
      BOOLEAN.has(name) ||
      ['A', 'all-namespaces', 'from-all-namespaces', 'to-all-namespaces', '4', 'ipv4', '6', 'ipv6'].includes(name);
    if (!isBool && value === undefined) {
      if (i + 1 >= args.length)
        throw new UsageError(`flag needs an argument: ${a.startsWith('--') ? a : `'${name}' in -${name}`}`);
      value = args[++i];
    }
    const on = value === undefined || value === 'true';
    switch (name) {
      case 'h':
      case 'help':
        throw new UsageError('Usage:\n  hubble observe [flags]\n  hubble observe [command]');
      case 'follow':
      case 'f':
        o.follow = on;
        break;
      case 'all':
        o.all = on;
        break;
      case 'print-node-name':
        o.printNodeName = on;
        break;
      case 'numeric':
        o.numeric = on;
        break;
      case 'not':
        fb.not();
        break;
      case 'output':
      case 'o':
        if (!['compact', 'dict', 'json', 'JSON', 'jsonpb', 'tab', 'table'].includes(value!))
          throw new UsageError(`invalid output format: ${value}`);
        o.output = value!;
        break;
      case 'last':
        o.last = uint(name, value!);
        break;
      case 'first':
        o.first = uint(name, value!);
        break;
      case 'since':
        o.since = parseTime(value!);
        break;
      case 'until':
        o.until = parseTime(value!);
        break;
      case 'verdict':
        if (!VERDICTS.includes(value!.toUpperCase()))
          throw new UsageError(`invalid argument "${value}" for "--verdict" flag: invalid --verdict value: ${value}`);
        fb.add(name, value!);
        break;
      case 'type':
      case 't':
        if (!(value!.split(':')[0] in EVENT_TYPES))
          throw new UsageError(`invalid argument "${value}" for "-t, --type" flag: unknown event type: ${value}`);
        fb.add(name, value!);
        break;
      default:
        if (FILTER_FLAGS.has(name)) fb.add(name, value ?? 'true');
      // Connection, TLS and formatting flags that do not change what the local server returns are accepted as is.
    }
  }
  if (fb.pendingNot) throw new UsageError('trailing --not found in the arguments');
  if (o.first && o.last) throw new UsageError('cannot set both --first and --last');
  if (o.first && o.follow) throw new UsageError('cannot set both --first and --follow');
  if (o.last && o.all) throw new UsageError('cannot set both --last and --all');
  if ((o.output === 'table' || o.output === 'tab') && o.follow)
    throw new UsageError('table output format is not compatible with follow mode');
  if (o.since === undefined && o.until === undefined && !o.first && !o.last && !o.all && !o.follow) o.last = 20;
  o.filters = fb.build();
  return o;
}

const stamp = (iso: string): string => {
  const d = new Date(iso);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const ms = iso.match(/\.(\d{3})/)?.[1] ?? '000';
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}.${ms}`;
};

function peer(f: Record<string, unknown>, side: 'source' | 'destination', numeric: boolean): string {
  const ep = (f[side] ?? {}) as { namespace?: string; pod_name?: string; identity?: number; labels?: string[] };
  const ip = (f.IP as Record<string, string>)[side];
  const l4 = (f.l4 ?? {}) as Record<string, { source_port?: number; destination_port?: number }>;
  const ports = Object.values(l4)[0] ?? {};
  const port = side === 'source' ? ports.source_port : ports.destination_port;
  const names = side === 'destination' ? ((f.destination_names as string[] | undefined) ?? []) : [];
  const host = !numeric && ep.pod_name ? `${ep.namespace}/${ep.pod_name}` : !numeric && names[0] ? names[0] : ip;
  const id = ep.pod_name
    ? `(ID:${ep.identity})`
    : ep.labels?.includes('reserved:world')
      ? '(world)'
      : `(ID:${ep.identity})`;
  return `${host}${port ? `:${port}` : ''} ${id}`;
}

function eventText(f: Record<string, unknown>): string {
  const et = (f.event_type ?? {}) as { type?: number; sub_type?: number };
  if (et.type === 1) return DROP_TEXT[Number(f.drop_reason ?? et.sub_type)] ?? 'drop';
  if (et.type === 5) {
    return `policy-verdict:${MATCH_TYPE[Number(f.policy_match_type ?? 0)]} ${f.traffic_direction} ${f.verdict === 'DROPPED' ? 'DENIED' : 'ALLOWED'}`;
  }
  return String(f.trace_observation_point ?? 'trace')
    .toLowerCase()
    .replace(/_/g, '-');
}

export function formatFlow(
  r: GetFlowsResponse,
  o: Pick<ObserveOptions, 'output' | 'printNodeName' | 'numeric'>,
): string {
  const f = r.flow;
  if (o.output === 'json' || o.output === 'JSON' || o.output === 'jsonpb') return JSON.stringify(r) + '\n';
  const arrow = f.is_reply === undefined ? '<>' : f.is_reply ? '<-' : '->';
  const src = peer(f, 'source', o.numeric);
  const dst = peer(f, 'destination', o.numeric);
  const summary = String(f.Summary ?? '');
  if (o.output === 'dict') {
    return `  TIMESTAMP: ${stamp(f.time)}\n     SOURCE: ${src}\nDESTINATION: ${dst}\n       TYPE: ${eventText(f)}\n    VERDICT: ${f.verdict}\n    SUMMARY: ${summary}\n------------\n`;
  }
  if (o.output === 'table' || o.output === 'tab')
    return `${stamp(f.time)}\t${src}\t${dst}\t${eventText(f)}\t${f.verdict}\t${summary}\n`;
  const node = o.printNodeName ? ` [${r.node_name}]` : '';
  return `${stamp(f.time)}${node}: ${src} ${arrow} ${dst} ${eventText(f)} ${f.verdict} (${summary})\n`;
}

async function observe(args: string[], node: HubbleNode, io: ProgramIO): Promise<number> {
  const o = parseObserve(args);
  const down = node.unavailable();
  if (down) {
    await io.stderr(down + '\n');
    return 1;
  }
  const inTime = (ns: bigint): boolean =>
    (o.since === undefined || ns >= o.since) && (o.until === undefined || ns <= o.until);
  let history = node.buffer.snapshot().filter((e) => inTime(e.ns) && accepts(o.filters, e.response.flow));
  if (o.first) history = history.slice(0, o.first);
  else if (o.last) history = history.slice(-o.last);
  else if (o.follow && o.since === undefined && !o.all) history = [];
  const queue: GetFlowsResponse[] = [];
  let wake: (() => void) | undefined;
  let lost = false;
  const stopFollow = o.follow
    ? node.buffer.follow((e) => {
        if (!accepts(o.filters, e.response.flow)) return;
        queue.push(e.response);
        wake?.();
      })
    : () => undefined;
  const stopDown = node.onDown(() => {
    lost = true;
    wake?.();
  });
  const onAbort = (): void => wake?.();
  io.signal.addEventListener('abort', onAbort);
  try {
    if (o.output === 'table' || o.output === 'tab')
      await io.stdout('TIMESTAMP\tSOURCE\tDESTINATION\tTYPE\tVERDICT\tSUMMARY\n');
    for (const e of history) {
      if (io.signal.aborted) return 0;
      await io.stdout(formatFlow(e.response, o));
    }
    while (o.follow && !io.signal.aborted) {
      if (!queue.length) {
        if (lost) {
          await io.stderr(STREAM_LOST + '\n');
          return 1;
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      await io.stdout(formatFlow(queue.shift()!, o));
    }
    return 0;
  } finally {
    stopFollow();
    stopDown();
    io.signal.removeEventListener('abort', onAbort);
  }
}

async function status(node: HubbleNode, io: ProgramIO): Promise<number> {
  const down = node.unavailable();
  if (down) {
    await io.stderr(down + '\n');
    return 1;
  }
  const b = node.buffer;
  const secs = Math.max(1, Number((nowNs() - b.createdNs) / 1_000_000_000n));
  const pct = ((b.size / b.capacity) * 100).toFixed(2);
  await io.stdout(
    `Healthcheck (via ${HUBBLE_SOCKET}): Ok\nCurrent/Max Flows: ${b.size.toLocaleString('en-US')}/${b.capacity.toLocaleString('en-US')} (${pct}%)\nFlows/s: ${(b.seen / secs).toFixed(2)}\n`,
  );
  return 0;
}

/** `hubble ...` as a program for one agent's node. */
export function hubbleProgram(args: string[], node: HubbleNode): Program {
  return async (io) => {
    try {
      const [cmd, ...rest] = args;
      if (cmd === 'observe') return await observe(rest, node, io);
      if (cmd === 'status') return await status(node, io);
      if (cmd === 'version' || cmd === '--version') {
        await io.stdout(HUBBLE_VERSION + '\n');
        return 0;
      }
      if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
        await io.stdout(
          'Hubble is a utility to observe and inspect recent Cilium routed traffic in a cluster.\n\nUsage:\n  hubble [command]\n\nAvailable Commands:\n  observe     Observe flows and events of a Hubble server\n  status      Display status of Hubble server\n  version     Display detailed version information\n',
        );
        return 0;
      }
      throw new UsageError(`unknown command "${cmd}" for "hubble"`);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      await io.stderr(err.message + '\n');
      return 1;
    }
  };
}
