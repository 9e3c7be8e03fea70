// Tear Down (one or many) and Tear Down All Mine: `helm uninstall --wait` per release. "Mine" is decided by
// the creator label on the release record, never by namespace: a namespace is never wiped or deleted.
import type { KubeConfig } from '@kubernetes/client-node';
import { SandboxError, cancelled, errorMessage } from '../errors';
import { listObjects } from '../kube/objectApi';
import { validateNamespace, validateReleaseName } from '../names/validate';
import { CREATOR_LABEL, INSTANCE_LABEL, SANDBOX_LABEL } from '../names/labels';
import type { WhoAmI } from '../kube/identity';
import { listCommand, uninstallCommand, type HelmRelease, type HelmTarget } from './commands';
import { runHelm, type LineSink } from './runner';

export interface ReleaseRef {
  namespace: string;
  release: string;
}

export interface TearDownOptions {
  helm: HelmTarget;
  env?: NodeJS.ProcessEnv;
  timeoutSeconds: number;
  signal?: AbortSignal;
  sink?: LineSink;
  /** Called as each release finishes (for progress). */
  onDone?: (r: ReleaseRef, error?: unknown) => void;
  /** Releases uninstalled at once. */
  parallel?: number;
  /** When given, also waits for the release's pods to be gone (helm waits only for the objects it made). */
  kc?: KubeConfig;
}

export interface TearDownResult {
  removed: ReleaseRef[];
  failed: Array<ReleaseRef & { error: string }>;
}

export async function tearDown(refs: ReleaseRef[], o: TearDownOptions): Promise<TearDownResult> {
  for (const r of refs) {
    validateNamespace(r.namespace);
    validateReleaseName(r.release);
  }
  const result: TearDownResult = { removed: [], failed: [] };
  const queue = [...refs];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      if (o.signal?.aborted) throw cancelled('Tear down');
      try {
        o.sink?.(`helm uninstall ${r.release} in ${r.namespace}…`, 'stderr');
        await runHelm(uninstallCommand(o.helm, { ...r, timeoutSeconds: o.timeoutSeconds }), {
          env: o.env,
          signal: o.signal,
          sink: o.sink,
        });
        if (o.kc) await podsGone(o.kc, r, o.timeoutSeconds, o.signal);
        result.removed.push(r);
        o.onDone?.(r);
      } catch (e) {
        if (SandboxError.is(e, 'Cancelled')) throw e;
        result.failed.push({ ...r, error: errorMessage(e) });
        o.onDone?.(r, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel ?? 4, refs.length)) }, worker));
  return result;
}

/** The creator id "mine" matches; refuses when the server could not say who we are (never a kubeconfig guess). */
export function requireCreator(who: WhoAmI): string {
  if (who.known) return who.identity.creator;
  throw new SandboxError('IdentityUnknown', `Cannot tell which sandboxes are yours: ${who.reason}.`, {
    hint: 'Tear Down All Mine needs the API server to say who you are (SelfSubjectReview, Kubernetes ≥ 1.28, allowed for every authenticated user by default). Tear down releases one by one instead.',
  });
}

/**
 * Releases whose creator label is the caller's (inspect_k8s_sandbox releases carry none, so never match): all
 * namespaces when allowed, else `fallbackNamespace` (RBAC may forbid listing cluster-wide). Returns the
 * namespace scope actually used.
 */
export async function listMine(
  who: WhoAmI,
  o: { helm: HelmTarget; env?: NodeJS.ProcessEnv; fallbackNamespace: string; signal?: AbortSignal },
): Promise<{ releases: HelmRelease[]; scope: 'all' | string }> {
  const selector = { [CREATOR_LABEL]: requireCreator(who), [SANDBOX_LABEL]: 'true' };
  try {
    return {
      releases: await runHelm(listCommand(o.helm, { selector }), { env: o.env, signal: o.signal }),
      scope: 'all',
    };
  } catch (e) {
    if (!SandboxError.is(e, 'HelmFailed') || !/forbidden/i.test(e.detail ?? '')) throw e;
  }
  const releases = await runHelm(listCommand(o.helm, { namespace: o.fallbackNamespace, selector }), {
    env: o.env,
    signal: o.signal,
  });
  return { releases, scope: o.fallbackNamespace };
}

/** Waits until no pod of the release is left (StatefulSet pods go by garbage collection after their grace period). */
async function podsGone(kc: KubeConfig, r: ReleaseRef, timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const pods = (await listObjects(kc, 'v1', 'Pod', r.namespace, { labelSelector: `${INSTANCE_LABEL}=${r.release}` }))
      .items;
    if (pods.length === 0) return;
    if (signal?.aborted) throw cancelled('Tear down');
    if (Date.now() > deadline) {
      throw new SandboxError(
        'CleanupIncomplete',
        `${r.release}: ${pods.length} pod(s) still terminating after ${timeoutSeconds}s (${pods.map((p) => p.metadata?.name).join(', ')})`,
      );
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}
