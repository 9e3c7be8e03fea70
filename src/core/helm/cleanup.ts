// Removing a partial release so nothing is left behind: `helm uninstall --wait`, then the release Secrets and
// any object still carrying the release's labels (helm may have been killed before it recorded them), then a
// check that all of it is really gone.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { SandboxError, errorMessage } from '../errors';
import { deleteObject, listObjects } from '../kube/objectApi';
import { INSTANCE_LABEL } from '../names/labels';
import { uninstallCommand, type HelmTarget } from './commands';
import { runHelm, type LineSink } from './runner';
import { httpCode } from './runtimeClasses';

export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** Kinds a release's objects may have beyond what the chart renders (controllers' pods, claim templates). */
const ALWAYS: KindRef[] = [
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
];

export function kindsInManifest(manifest: string): KindRef[] {
  const kinds = new Map<string, KindRef>();
  for (const doc of parseAllDocuments(manifest)) {
    const o = doc.toJS() as { apiVersion?: unknown; kind?: unknown } | null;
    if (o && typeof o.apiVersion === 'string' && typeof o.kind === 'string')
      kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  }
  for (const k of ALWAYS) kinds.set(`${k.apiVersion}/${k.kind}`, k);
  return [...kinds.values()];
}

export interface RemoveOptions {
  helm: HelmTarget;
  env?: NodeJS.ProcessEnv;
  kc: KubeConfig;
  namespace: string;
  release: string;
  /** Kinds to sweep (from the rendered manifest). */
  kinds: KindRef[];
  sink?: LineSink;
  timeoutSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Removes the release and verifies; throws CleanupIncomplete naming what is left. */
export async function removeRelease(o: RemoveOptions): Promise<void> {
  const say = (l: string) => o.sink?.(l, 'stderr');
  const timeout = o.timeoutSeconds ?? 120;
  const sleep = o.sleep ?? defaultSleep;
  try {
    await runHelm(uninstallCommand(o.helm, { release: o.release, namespace: o.namespace, timeoutSeconds: timeout }), {
      sink: o.sink,
      env: o.env,
    });
  } catch (e) {
    say(`helm uninstall ${o.release}: ${errorMessage(e)}; removing the objects directly`);
  }
  const deadline = Date.now() + timeout * 1000;
  let left: string[] = [];
  for (let round = 0; ; round++) {
    left = await sweep(o, round === 0 || round % 10 === 0);
    if (left.length === 0) return;
    if (Date.now() > deadline) break;
    await sleep(500);
  }
  throw new SandboxError(
    'CleanupIncomplete',
    `Could not remove everything of release ${o.release} in ${o.namespace}: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ` and ${left.length - 5} more` : ''}`,
    {
      hint: `Delete them by hand, e.g. kubectl delete -n ${o.namespace} ${left.slice(0, 3).join(' ')}`,
    },
  );
}

/** One pass: deletes what belongs to the release (when `del`) and returns what still exists. */
async function sweep(o: RemoveOptions, del: boolean): Promise<string[]> {
  const left: string[] = [];
  const secrets = (
    await listObjects(o.kc, 'v1', 'Secret', o.namespace, { labelSelector: `owner=helm,name=${o.release}` })
  ).items;
  for (const s of secrets) {
    left.push(`secret/${s.metadata?.name}`);
    if (del) await ignore404(deleteObject(o.kc, 'v1', 'Secret', o.namespace, s.metadata?.name ?? ''));
  }
  for (const k of o.kinds) {
    let items: KubernetesObject[];
    try {
      items = (
        await listObjects(o.kc, k.apiVersion, k.kind, o.namespace, { labelSelector: `${INSTANCE_LABEL}=${o.release}` })
      ).items;
    } catch (e) {
      if (httpCode(e) === 404 || httpCode(e) === 403 || isUnknownKind(e)) continue;
      throw e;
    }
    for (const item of items) {
      if (!belongsTo(item, o.release, o.namespace)) continue;
      left.push(`${k.kind.toLowerCase()}/${item.metadata?.name}`);
      if (del && !item.metadata?.deletionTimestamp) {
        await ignore404(
          deleteObject(o.kc, k.apiVersion, k.kind, o.namespace, item.metadata?.name ?? '', {
            propagationPolicy: 'Background',
          }),
        );
      }
    }
  }
  return left;
}

/** The instance label names the release; skip only objects helm says belong to another release. */
function belongsTo(item: KubernetesObject, release: string, namespace: string): boolean {
  const a = item.metadata?.annotations ?? {};
  const owner = a['meta.helm.sh/release-name'];
  return owner === undefined || (owner === release && (a['meta.helm.sh/release-namespace'] ?? namespace) === namespace);
}

async function ignore404(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (httpCode(e) !== 404) throw e;
  }
}

function isUnknownKind(e: unknown): boolean {
  // KubernetesObjectApi throws a plain Error when discovery does not know the kind (e.g. a CRD not installed).
  return (
    e instanceof Error &&
    httpCode(e) === undefined &&
    /Unrecognized API version and kind|Failed to fetch resource metadata/.test(e.message)
  );
}
