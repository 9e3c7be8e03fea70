// Install Sandbox, VS Code-free: validate, render, pre-check RuntimeClasses, `helm install --wait`, and on
// failure, timeout or cancel collect the cause and remove the partial release.
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { SandboxError, isCancellation, errorMessage } from '../errors';
import { listObjects } from '../kube/objectApi';
import { validateNamespace, validateReleaseName } from '../names/validate';
import { CREATOR_LABEL, SANDBOX_LABEL } from '../names/labels';
import { installCommand, templateCommand, type HelmStatus, type HelmTarget } from './commands';
import { collectDiagnostics } from './diagnostics';
import { kindsInManifest, removeRelease } from './cleanup';
import { runHelm, type LineSink } from './runner';
import { checkRuntimeClasses, runtimeClassesInManifest } from './runtimeClasses';

export interface InstallRequest {
  helm: HelmTarget;
  /** Environment for helm (KUBECONFIG with several files, cache dirs). */
  env?: NodeJS.ProcessEnv;
  kc: KubeConfig;
  release: string;
  namespace: string;
  /** Absolute chart directory. */
  chart: string;
  /** Absolute, already validated values files. */
  valuesFiles: string[];
  sets?: Record<string, string>;
  /** Label-safe creator id (identity.ts creatorIdOf); undefined when the server could not say who we are. */
  creator?: string;
  timeoutSeconds: number;
  signal?: AbortSignal;
  sink?: LineSink;
  /** Skip the RuntimeClass check (the user chose to go ahead). */
  skipRuntimeClassCheck?: boolean;
  /** Seconds allowed for removing a failed install. */
  cleanupTimeoutSeconds?: number;
}

/** Failure of the install itself; says whether the partial release was removed. */
export class InstallError extends SandboxError {
  constructor(
    message: string,
    readonly failure: SandboxError,
    readonly diagnostics: string[],
    readonly removed: boolean,
  ) {
    super(failure.reason === 'Cancelled' ? 'Cancelled' : 'InstallFailed', message, {
      detail: [failure.detail ?? failure.message, ...diagnostics].join('\n'),
      hint: removed ? undefined : 'See the K8s Sandbox output for what is left.',
      cause: failure,
    });
  }
}

export async function installSandbox(req: InstallRequest): Promise<HelmStatus> {
  const release = validateReleaseName(req.release);
  const namespace = validateNamespace(req.namespace);
  const say = (l: string) => req.sink?.(l, 'stderr');
  // The release record (helm --labels) and, through the chart's `creator` value, every object it makes.
  const labels = { [SANDBOX_LABEL]: 'true', ...(req.creator ? { [CREATOR_LABEL]: req.creator } : {}) };
  const sets = { ...req.sets, ...(req.creator ? { creator: req.creator } : {}) };
  // Built first: it validates every argument (labels, overrides, paths, timeout) before any process runs.
  const install = installCommand(req.helm, {
    release,
    namespace,
    chart: req.chart,
    valuesFiles: req.valuesFiles,
    sets,
    labels,
    timeoutSeconds: req.timeoutSeconds,
    debug: true,
  });

  // Rendering first catches schema errors and tells us the runtime classes and kinds, before any cluster write.
  say(`Rendering ${req.chart} for ${release}…`);
  const manifest = await runHelm(
    templateCommand(req.helm, { release, namespace, chart: req.chart, valuesFiles: req.valuesFiles, sets }),
    {
      env: req.env,
      signal: req.signal,
    },
  );
  const kinds = kindsInManifest(manifest);
  if (!req.skipRuntimeClassCheck) await checkRuntimeClasses(req.kc, runtimeClassesInManifest(manifest), say);
  await ensureNameFree(req.kc, namespace, release);

  say(`helm install ${release} in ${namespace} (timeout ${req.timeoutSeconds}s)…`);
  try {
    return await runHelm(
      install,
      // Very long debug lines are dumps (helm 4 prints the whole values schema), not progress.
      { env: req.env, signal: req.signal, sink: req.sink && ((l, s) => l.length <= 1000 && req.sink?.(l, s)) },
    );
  } catch (e) {
    const cause = SandboxError.is(e) ? e : new SandboxError('HelmFailed', errorMessage(e), { cause: e });
    const cancelled = isCancellation(e);
    const diagnostics = await collectDiagnostics(req.kc, namespace, release, objectNames(manifest));
    for (const d of diagnostics) say(d);
    say(`Removing the partial release ${release}…`);
    try {
      await removeRelease({
        helm: req.helm,
        env: req.env,
        kc: req.kc,
        namespace,
        release,
        kinds,
        sink: req.sink,
        timeoutSeconds: req.cleanupTimeoutSeconds,
      });
    } catch (cleanupError) {
      const msg = errorMessage(cleanupError);
      say(msg);
      throw new InstallError(
        `${headline(release, cause, cancelled)} ${summary(diagnostics)}Cleanup incomplete: ${msg}`,
        cause,
        diagnostics,
        false,
      );
    }
    say(`Partial release ${release} removed.`);
    throw new InstallError(
      `${headline(release, cause, cancelled)} ${summary(diagnostics)}The partial release was removed.`,
      cause,
      diagnostics,
      true,
    );
  }
}

function headline(release: string, cause: SandboxError, cancelled: boolean): string {
  if (cancelled) return `Install of ${release} cancelled.`;
  const what = cause.reason === 'HelmTimeout' ? 'timed out' : 'failed';
  return `Install of ${release} ${what}: ${cause.message.replace(/^helm install failed: /, '')}.`;
}

const summary = (d: string[]): string =>
  d.length ? `${d.slice(0, 3).join('; ')}${d.length > 3 ? ` (+${d.length - 3} more in the log)` : ''}. ` : '';

function objectNames(manifest: string): string[] {
  return parseAllDocuments(manifest)
    .map((d) => (d.toJS() as { metadata?: { name?: unknown } } | null)?.metadata?.name)
    .filter((n): n is string => typeof n === 'string');
}

/** A taken name must fail before helm runs: cleanup after "name in use" would remove someone else's release. */
async function ensureNameFree(kc: KubeConfig, namespace: string, release: string): Promise<void> {
  const found = (await listObjects(kc, 'v1', 'Secret', namespace, { labelSelector: `owner=helm,name=${release}` }))
    .items;
  if (found.length) {
    throw new SandboxError('InvalidInput', `A release named "${release}" already exists in namespace ${namespace}`, {
      hint: 'Choose another release name.',
    });
  }
}
