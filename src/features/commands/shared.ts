// What the command handlers share: the services they need, helm resolution, node → target, pickers, progress.
import { delimiter } from 'node:path';
import * as vscode from 'vscode';
import type { ClusterSnapshot } from '../../core/kube/clusterAccess';
import { detectHelm, findHelm } from '../../core/helm/locate';
import { listCommand, type HelmRelease, type HelmTarget } from '../../core/helm/commands';
import { runHelm } from '../../core/helm/runner';
import type { ReleaseRef } from '../../core/helm/teardown';
import { listSandboxPods, readPodChoice, type PodChoice } from '../../core/exec/targets';
import { isSandboxNode, type SandboxNode } from '../../core/sandbox/nodes';
import { validateContainerName, validateNamespace, validatePodName, validateReleaseName } from '../../core/names';
import { cancelled } from '../../platform/errors';
import type { Services } from '../../services';

/** The part of the extension's services object (src/services.ts) the commands use. */
export type CommandServices = Pick<Services, 'cluster' | 'log' | 'valuesFiles'>;

export interface CommandContext {
  services: CommandServices;
  extensionPath: string;
}

export interface HelmSetup {
  target: HelmTarget;
  env: NodeJS.ProcessEnv;
  snapshot: ClusterSnapshot;
}

/** helm from the setting or PATH, pointed at the current kubeconfig and context. */
export async function helmSetup(services: CommandServices): Promise<HelmSetup> {
  const snapshot = services.cluster.require();
  const configured = vscode.workspace.getConfiguration('k8sSandbox').get<string>('helmPath', '');
  const helm = await detectHelm(findHelm(configured, process.env.PATH));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const target: HelmTarget = { helm, kubeContext: snapshot.context };
  // helm takes one --kubeconfig; several files are merged through KUBECONFIG, as kubectl does.
  if (snapshot.paths.length === 1) target.kubeconfig = snapshot.paths[0];
  else env.KUBECONFIG = snapshot.paths.join(delimiter);
  return { target, env, snapshot };
}

export async function withProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
  cancellable = true,
): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      return await task(ac.signal, (message) => progress.report({ message }));
    } finally {
      sub.dispose();
    }
  });
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

export async function pickReleases(ctx: CommandContext, canPickMany: boolean): Promise<ReleaseRef[]> {
  const { target, env, snapshot } = await helmSetup(ctx.services);
  const releases: HelmRelease[] = await runHelm(listCommand(target, { namespace: snapshot.namespace }), { env });
  if (releases.length === 0) {
    void vscode.window.showInformationMessage(`No Helm releases in namespace ${snapshot.namespace}.`);
    throw cancelled();
  }
  const items = releases.map((r) => ({ label: r.name, description: `${r.status} · rev ${r.revision}`, detail: r.chart, ref: { namespace: r.namespace, release: r.name } }));
  const picked = canPickMany
    ? await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Sandboxes to tear down' })
    : await vscode.window.showQuickPick(items, { title: 'Sandbox' }).then((p) => (p ? [p] : undefined));
  if (!picked || picked.length === 0) throw cancelled();
  return picked.map((p) => p.ref);
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

/** A modal confirmation; false when dismissed. */
export async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  const r = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return r === action;
}
