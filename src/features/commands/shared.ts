// What the command handlers share: the services they need, node → target (pod and container pickers).
import * as vscode from 'vscode';
import type { ReleaseRef } from '../../core/helm/teardown';
import { listSandboxPods, readPodChoice, type PodChoice } from '../../core/exec/targets';
import { isSandboxNode, type SandboxNode } from '../../core/sandbox/nodes';
import {
  validateContainerName,
  validateNamespace,
  validatePodName,
  validateReleaseName,
} from '../../core/names/validate';
import { cancelled } from '../../core/errors';
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
  for (const n of nodes)
    seen.set(`${n.namespace}/${n.release}`, {
      namespace: validateNamespace(n.namespace),
      release: validateReleaseName(n.release),
    });
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
    return {
      namespace: validateNamespace(n.namespace),
      release: n.release,
      pod: validatePodName(n.pod),
      container: validateContainerName(n.container),
    };
  }
  const pod =
    n?.kind === 'pod'
      ? await readPodChoice(kc, validateNamespace(n.namespace), validatePodName(n.pod))
      : await pickPod(ctx, n?.release);
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
    void vscode.window.showInformationMessage(
      `No sandbox pods${release ? ` of ${release}` : ''} in namespace ${snapshot.namespace}.`,
    );
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
