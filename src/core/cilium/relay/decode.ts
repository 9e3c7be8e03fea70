// Hubble Relay's decoded protobuf (proto-loader objects: proto field names, enums as names, 64-bit integers as
// strings) → the same Flow model as `hubble observe -o jsonpb`, through the one jsonpb parser (parse.ts).
import { DROP_REASON_ROWS } from '../dropReasons';
import type { Flow } from '../flow';
import { flowFromObject } from '../parse';

export interface Timestamp {
  seconds?: string | number;
  nanos?: number;
}

type Obj = Record<string, unknown>;

const REASON_NAMES = new Map<number, string>(DROP_REASON_ROWS.map(([n, name]) => [n, name]));

/** RFC 3339 in UTC with the nanoseconds Hubble prints (the protobuf JSON mapping of a Timestamp). */
export function timestampText(t: Timestamp | undefined): string | undefined {
  if (!t || t.seconds === undefined) return undefined;
  const s = Number(t.seconds);
  if (!Number.isFinite(s)) return undefined;
  const base = new Date(s * 1000).toISOString().slice(0, 19);
  const nanos = Math.max(0, Math.min(999_999_999, Math.trunc(t.nanos ?? 0)));
  return nanos === 0 ? `${base}Z` : `${base}.${String(nanos).padStart(9, '0')}Z`;
}

/** The Timestamp for an RFC 3339 time (the resume point), keeping nanoseconds. */
export function timestampOf(text: string): Timestamp | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const frac = /\.(\d{1,9})Z$/.exec(text)?.[1] ?? '';
  return { seconds: String(Math.floor(ms / 1000)), nanos: Number(frac.padEnd(9, '0') || 0) };
}

export interface DecodedResponse {
  flow: Flow;
  /** The jsonpb-shaped object (what export writes and the dedup key hashes when the flow has no uuid). */
  json: Obj;
}

/** A GetFlowsResponse; undefined for node status and lost-event messages (they carry no flow). */
export function decodeResponse(resp: Obj): DecodedResponse | undefined {
  const raw = resp.flow;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const f = { ...(raw as Obj) };
  f.time = timestampText(f.time as Timestamp);
  // Our proto names only a few reasons; a number the enum does not list maps through Cilium's table.
  if (typeof f.drop_reason_desc === 'number')
    f.drop_reason_desc = REASON_NAMES.get(f.drop_reason_desc) ?? `DROP_REASON_${f.drop_reason_desc}`;
  if (typeof f.is_reply === 'object' && f.is_reply !== null)
    f.is_reply = (f.is_reply as { value?: boolean }).value === true;
  const json: Obj = { flow: f, node_name: resp.node_name, time: timestampText(resp.time as Timestamp) ?? f.time };
  const flow = flowFromObject(f, json);
  return flow ? { flow, json } : undefined;
}
