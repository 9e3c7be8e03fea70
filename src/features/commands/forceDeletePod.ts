// Force Delete Pod: grace period 0, after a confirmation that names the pod. Its controller recreates it.
import * as vscode from 'vscode';
import { cancelled } from '../../core/errors';
import { forceDeletePod as deletePod } from '../../core/kube/forceDeletePod';
import { confirm } from '../../platform/ui';
import { resolvePod, type CommandContext } from './shared';

export async function forceDeletePod(ctx: CommandContext, node?: unknown): Promise<void> {
  const pod = await resolvePod(ctx, node);
  const ok = await confirm(
    `Force delete pod ${pod.pod} in ${pod.namespace}?`,
    'Grace period 0: its processes get no time to clean up, and the pod object is removed at once. Its StatefulSet creates a new one.',
    'Force Delete',
  );
  if (!ok) throw cancelled();
  await deletePod(ctx.services.cluster.kubeConfig, pod.namespace, pod.pod);
  ctx.services.log.info(`Force deleted pod ${pod.namespace}/${pod.pod}`);
  vscode.window.setStatusBarMessage(`Deleted ${pod.pod}`, 3000);
}
