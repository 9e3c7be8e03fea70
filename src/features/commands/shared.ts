// What the command handlers share: the services they need, node → target (pod and container pickers), teardown.
import * as vscode from 'vscode';
import { tearDown as uninstall, type ReleaseRef } from '../../core/helm/teardown';
import { listSandboxPods, readPodChoice, type PodChoice } from '../../core/exec/targets';
import { isSandboxNode, type SandboxNode } from '../../core/sandbox/nodes';
import { validateContainerName, validateNamespace, validatePodName, validateReleaseName } from '../../core/names/validate';
import { SandboxError, cancelled } from '../../core/errors';
import { helmSetup } from '../../platform/helmEnvironment';
import { withProgress } from '../../platform/ui';
import type { Services } from '../../services';

/** The part of the extension's services object (src/services.ts) the commands use. */
export type CommandServices = Pick<Services, 'cluster' | 'log' | 'valuesFiles'>;

export interface CommandContext {
  services: CommandServices;
  extensionPath: string;
}

export function nodesOf(node: unknown, selected: unknown): SandboxNode[] {
  const list = Array.isArray(selected) && selected.length ? selected : node ? [node] : [];
  return list.filter(isSandboxNode);
}

/** Releases named by the selection (pods and containers count as their release), deduplicated. */
export function releasesOf(nodes: SandboxNode[]): ReleaseRef[] {
  const seen = new Map<string, ReleaseRef>();
  for (const n of nodes) seen.set(`${n.namespace}/${n.release}`, { namespace: validateNamespace(n.namespace), release: validateReleaseName(n.release) });
  return [...seen.values()];
}

export interface ContainerTarget {
  namespace: string;
  release: string;
  pod: string;
  container: string;
}

/** A container from the node, or from pickers (release → pod → container) for what the node leaves open. */
export async function resolveContainer(ctx: CommandContext, node: unknown): Promise<ContainerTarget> {
  const kc = ctx.services.cluster.kubeConfig;
  const n = isSandboxNode(node) ? node : undefined;
  if (n?.kind === 'container') {
    return { namespace: validateNamespace(n.namespace), release: n.release, pod: validatePodName(n.pod), container: validateContainerName(n.container) };
  }
  const pod = n?.kind === 'pod' ? await readPodChoice(kc, validateNamespace(n.namespace), validatePodName(n.pod)) : await pickPod(ctx, n?.release);
  const container = await pickContainer(pod);
  return { namespace: pod.namespace, release: pod.release, pod: pod.pod, container };
}

export async function resolvePod(ctx: CommandContext, node: unknown): Promise<PodChoice> {
  const kc = ctx.services.cluster.kubeConfig;
  const n = isSandboxNode(node) ? node : undefined;
  if (n && n.kind !== 'release') return readPodChoice(kc, validateNamespace(n.namespace), validatePodName(n.pod));
  return pickPod(ctx, n?.release);
}

async function pickPod(ctx: CommandContext, release?: string): Promise<PodChoice> {
  const snapshot = ctx.services.cluster.require();
  const pods = await listSandboxPods(snapshot.kubeConfig, snapshot.namespace, release);
  if (pods.length === 0) {
    void vscode.window.showInformationMessage(`No sandbox pods${release ? ` of ${release}` : ''} in namespace ${snapshot.namespace}.`);
    throw cancelled();
  }
  if (pods.length === 1) return pods[0];
  const picked = await vscode.window.showQuickPick(
    pods.map((p) => ({ label: p.pod, description: `${p.release} · ${p.phase}`, pod: p })),
    { title: 'Pod' },
  );
  if (!picked) throw cancelled();
  return picked.pod;
}

export async function pickContainer(pod: PodChoice): Promise<string> {
  if (pod.containers.length <= 1) return validateContainerName(pod.defaultContainer ?? '');
  const picked = await vscode.window.showQuickPick(
    pod.containers.map((c) => ({ label: c, description: c === pod.defaultContainer ? 'default' : undefined })),
    { title: `Container of ${pod.pod}` },
  );
  if (!picked) throw cancelled();
  return validateContainerName(picked.label);
}

const UNINSTALL_TIMEOUT_SECONDS = 300;

/** `helm uninstall --wait` of each release with progress; forgets their values files. */
export async function runTearDown(ctx: CommandContext, refs: ReleaseRef[]): Promise<void> {
  const { log } = ctx.services;
  const setup = await helmSetup(ctx.services);
  let done = 0;
  const result = await withProgress(`Tearing down ${refs.length === 1 ? refs[0].release : `${refs.length} sandboxes`}`, (signal, report) =>
    uninstall(refs, {
      helm: setup.target,
      env: setup.env,
      kc: setup.snapshot.kubeConfig,
      timeoutSeconds: UNINSTALL_TIMEOUT_SECONDS,
      signal,
      sink: (l) => log.line(l),
      onDone: (r, error) => {
        done++;
        report(`${done}/${refs.length} ${r.release}${error ? ' failed' : ' removed'}`);
      },
    }),
  );
  for (const r of result.removed) {
    log.info(`Removed ${r.release} from ${r.namespace}`);
    await ctx.services.valuesFiles.delete({ context: setup.snapshot.context, ...r });
  }
  if (result.failed.length) {
    for (const f of result.failed) log.error(`Could not remove ${f.release} from ${f.namespace}: ${f.error}`);
    throw new SandboxError('HelmFailed', `Could not tear down ${result.failed.map((f) => f.release).join(', ')}: ${result.failed[0].error}`);
  }
  void vscode.window.showInformationMessage(`Removed ${result.removed.map((r) => r.release).join(', ')}.`);
}
