// Decoder for the Kubernetes protobuf request bodies real clients send (client-go >= 0.32 typed clients: Helm's
// release Secrets, `kubectl create configmap|secret|namespace|serviceaccount`, DeleteOptions). Envelope: magic
// "k8s\0" + runtime.Unknown{typeMeta=1{apiVersion=1,kind=2}, raw=2}. Field numbers from k8s.io/api generated.proto.
import { ApiError } from '../store';

type Field = { n: number; wire: number; v: bigint | Buffer };

function varint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = varint(buf, pos);
    pos = p1;
    const n = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = varint(buf, pos);
      out.push({ n, wire, v });
      pos = p2;
    } else if (wire === 2) {
      const [l, p2] = varint(buf, pos);
      const end = p2 + Number(l);
      out.push({ n, wire, v: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ n, wire, v: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ n, wire, v: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

// A schema maps field numbers to [jsonName, kind]; kinds: string, bytes (base64 in JSON), int, bool, a nested
// schema, `map` of string->string, `mapBytes` of string->bytes, `time`; a trailing [] marks repeated.
type Kind = 'string' | 'bytes' | 'int' | 'bool' | 'map' | 'mapBytes' | 'time' | Schema;
interface Schema {
  [n: number]: [string, Kind, 'repeated'?];
}

const ownerRef: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};
const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
  13: ['ownerReferences', ownerRef, 'repeated'],
  14: ['finalizers', 'string', 'repeated'],
};
const localRef: Schema = { 1: ['name', 'string'] };
const objectRef: Schema = {
  1: ['kind', 'string'],
  2: ['namespace', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
};

const schemas: Record<string, Schema> = {
  Secret: {
    1: ['metadata', objectMeta],
    2: ['data', 'mapBytes'],
    3: ['type', 'string'],
    4: ['stringData', 'map'],
    5: ['immutable', 'bool'],
  },
  ConfigMap: {
    1: ['metadata', objectMeta],
    2: ['data', 'map'],
    3: ['binaryData', 'mapBytes'],
    4: ['immutable', 'bool'],
  },
  Namespace: {
    1: ['metadata', objectMeta],
    2: ['spec', { 1: ['finalizers', 'string', 'repeated'] }],
    3: ['status', { 1: ['phase', 'string'] }],
  },
  ServiceAccount: {
    1: ['metadata', objectMeta],
    2: ['secrets', objectRef, 'repeated'],
    3: ['imagePullSecrets', localRef, 'repeated'],
    4: ['automountServiceAccountToken', 'bool'],
  },
  SelfSubjectAccessReview: {
    1: ['metadata', objectMeta],
    2: [
      'spec',
      {
        1: [
          'resourceAttributes',
          {
            1: ['namespace', 'string'],
            2: ['verb', 'string'],
            3: ['group', 'string'],
            4: ['version', 'string'],
            5: ['resource', 'string'],
            6: ['subresource', 'string'],
            7: ['name', 'string'],
          },
        ],
        2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }],
      },
    ],
  },
  DeleteOptions: {
    1: ['gracePeriodSeconds', 'int'],
    2: ['preconditions', { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] }],
    3: ['orphanDependents', 'bool'],
    4: ['propagationPolicy', 'string'],
    5: ['dryRun', 'string', 'repeated'],
  },
};

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    const spec = schema[f.n];
    if (!spec) continue;
    const [name, kind, repeated] = spec;
    const value = decodeValue(f, kind);
    if (kind === 'map' || kind === 'mapBytes') {
      const [k, v] = value as [string, string];
      out[name] = { ...((out[name] as Record<string, string>) ?? {}), [k]: v };
    } else if (repeated) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[name] = list;
    } else out[name] = value;
  }
  return out;
}

function decodeValue(f: Field, kind: Kind): unknown {
  const bytes = (): Buffer => (Buffer.isBuffer(f.v) ? f.v : Buffer.alloc(0));
  switch (kind) {
    case 'string':
      return bytes().toString('utf8');
    case 'bytes':
      return bytes().toString('base64');
    case 'int': {
      const v = typeof f.v === 'bigint' ? BigInt.asIntN(64, f.v) : 0n;
      return Number(v);
    }
    case 'bool':
      return f.v === 1n;
    case 'map':
    case 'mapBytes': {
      const entry = decodeMessage(bytes(), { 1: ['k', 'string'], 2: ['v', kind === 'map' ? 'string' : 'bytes'] });
      return [entry.k ?? '', entry.v ?? ''];
    }
    case 'time': {
      const t = decodeMessage(bytes(), { 1: ['seconds', 'int'] });
      return new Date(((t.seconds as number) ?? 0) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    }
    default:
      return decodeMessage(bytes(), kind);
  }
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** Decodes a protobuf body into the JSON object a JSON client would have sent. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') {
    throw new ApiError(400, 'BadRequest', 'provided protobuf body does not start with the k8s magic prefix');
  }
  try {
    const unknown = decodeMessage(body.subarray(4), {
      1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }],
      2: ['raw', 'bytes'],
    });
    const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const schema = tm.kind ? schemas[tm.kind] : undefined;
    if (!schema)
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of kind "${tm.kind}" is not supported as protobuf by this server; send JSON`,
      );
    const raw = Buffer.from((unknown.raw as string) ?? '', 'base64');
    return { apiVersion: tm.apiVersion, kind: tm.kind, ...decodeMessage(raw, schema) };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'BadRequest', `unable to decode protobuf body: ${(e as Error).message}`);
  }
}
