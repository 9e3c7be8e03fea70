// Helm release records: Secrets `sh.helm.release.v1.<name>.v<rev>` (type helm.sh/release.v1, label owner=helm)
// whose data.release is base64(gzip(JSON)); the Secret's wire format adds a second base64 layer.
import { gunzipSync } from 'node:zlib';
import { SANDBOX_LABEL } from '../names/labels';
import { compactMeta } from './compact';

export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
/** Our chart and the upstream inspect_k8s_sandbox chart whose values it accepts. */
export const SANDBOX_CHARTS: readonly string[] = ['k8s-sandbox', 'agent-env'];

export interface SecretLike {
  type?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  description?: string;
  chart: { name: string; version?: string; appVersion?: string };
  firstDeployed?: string;
  lastDeployed?: string;
  /** The user-supplied values (helm's `config`). */
  values: Record<string, unknown>;
  /** Labels of the storage Secret (helm --labels lands here). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** The release JSON from a Secret's data.release (as client-node returns it: still base64 on the wire). */
export function decodeReleasePayload(wire: string): unknown {
  // The wire layer holds helm's base64 text: ASCII, so latin1 decodes it without UTF-8 validation (~25% faster).
  const inner = Buffer.from(wire, 'base64').toString('latin1');
  const bytes = Buffer.from(inner, 'base64'); // helm's own base64 layer
  const json = GZIP_MAGIC.every((b, i) => bytes[i] === b)
    ? gunzipSync(bytes, { maxOutputLength: 64 * 1024 * 1024 }) /* a Secret is at most 1 MiB: refuse gzip bombs */
    : bytes;
  return JSON.parse(json.toString('utf8'));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Releases decoded when a Secret entered a watch cache, by the compact object that replaced it there. */
const decodedAtIngest = new WeakMap<object, HelmRelease | undefined>();

/** Decodes a release Secret; undefined when it is not one or cannot be read (a broken record must not hide the rest). */
export function decodeReleaseSecret(secret: SecretLike): HelmRelease | undefined {
  if (decodedAtIngest.has(secret)) return decodedAtIngest.get(secret);
  const labels = secret.metadata?.labels ?? {};
  if (secret.type !== RELEASE_SECRET_TYPE || labels.owner !== 'helm') return undefined;
  const payload = secret.data?.release;
  let rel: Record<string, unknown> = {};
  if (payload) {
    try {
      rel = obj(decodeReleasePayload(payload));
    } catch {
      rel = {};
    }
  }
  const info = obj(rel.info);
  const meta = obj(obj(rel.chart).metadata);
  const name = str(rel.name) ?? labels.name;
  const revision = Number(rel.version ?? labels.version);
  if (!name || !Number.isFinite(revision)) return undefined;
  return {
    name,
    namespace: str(rel.namespace) ?? secret.metadata?.namespace ?? 'default',
    revision,
    status: str(info.status) ?? labels.status ?? 'unknown',
    description: str(info.description),
    chart: { name: str(meta.name) ?? '', version: str(meta.version), appVersion: str(meta.appVersion) },
    firstDeployed: str(info.first_deployed),
    lastDeployed: str(info.last_deployed),
    values: obj(rel.config),
    labels,
    annotations: secret.metadata?.annotations ?? {},
  };
}

/**
 * A release Secret as a watch cache should hold it: the release decoded once, the payload dropped. Helm keeps
 * the whole chart, manifest and values gzipped in data.release (~60 KB a release); a cache of every revision of
 * every release would otherwise hold all of it for a handful of summary fields. Metadata (name, uid,
 * resourceVersion, labels) stays, so the cache still tracks the Secret; decodeReleaseSecret on the compact
 * object returns the release decoded here.
 */
export function compactReleaseSecret<T extends SecretLike & { apiVersion?: string; kind?: string }>(secret: T): T {
  if (!secret.data || decodedAtIngest.has(secret)) return secret;
  const release = decodeReleaseSecret(secret);
  const compact = {
    apiVersion: secret.apiVersion,
    kind: secret.kind,
    type: secret.type,
    metadata: compactMeta(secret),
  } as T;
  decodedAtIngest.set(compact, release);
  return compact;
}

/**
 * A release Secret known from its metadata alone (a metadata-only list): what helm's storage labels say (name,
 * version, status) and when that revision was written. The chart, values and notes come with the full record.
 */
export function previewReleaseSecret<T extends SecretLike & { apiVersion?: string; kind?: string }>(meta: T): T {
  const preview = { apiVersion: 'v1', kind: 'Secret', type: RELEASE_SECRET_TYPE, metadata: compactMeta(meta) } as T;
  // No payload: decoding reads helm's labels only.
  const release = decodeReleaseSecret(preview);
  const created = (meta.metadata as { creationTimestamp?: string } | undefined)?.creationTimestamp;
  decodedAtIngest.set(preview, release && { ...release, lastDeployed: created });
  return preview;
}

/** Ours or agent-env by chart name, or marked for inspect's cleanup by the label. */
export function isSandboxRelease(r: HelmRelease): boolean {
  return (
    SANDBOX_CHARTS.includes(r.chart.name) ||
    r.labels[SANDBOX_LABEL] === 'true' ||
    r.annotations[SANDBOX_LABEL] === 'true'
  );
}

/** Keeps the highest revision of each release (per namespace). */
export function latestRevisions(releases: readonly HelmRelease[]): HelmRelease[] {
  const best = new Map<string, HelmRelease>();
  for (const r of releases) {
    const key = `${r.namespace}/${r.name}`;
    const cur = best.get(key);
    if (!cur || r.revision > cur.revision) best.set(key, r);
  }
  return [...best.values()];
}

/** Decoding is the expensive part: remember results per Secret uid + resourceVersion. */
export class ReleaseDecoder {
  private cache = new Map<string, { rv: string; release: HelmRelease | undefined }>();

  decode(secret: SecretLike): HelmRelease | undefined {
    // A preview and the full record share uid and resourceVersion: objects decoded at ingest answer by identity.
    if (decodedAtIngest.has(secret)) return decodedAtIngest.get(secret);
    const uid = secret.metadata?.uid;
    const rv = secret.metadata?.resourceVersion;
    if (!uid || !rv) return decodeReleaseSecret(secret);
    const hit = this.cache.get(uid);
    if (hit && hit.rv === rv) return hit.release;
    const release = decodeReleaseSecret(secret);
    this.cache.set(uid, { rv, release });
    return release;
  }

  /** Forget Secrets that are gone. */
  retain(uids: ReadonlySet<string>): void {
    for (const uid of this.cache.keys()) if (!uids.has(uid)) this.cache.delete(uid);
  }
}
