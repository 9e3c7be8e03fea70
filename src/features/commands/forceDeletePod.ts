// Force Delete Pod: grace period 0, after a confirmation that names the pod. Its controller recreates it.
import * as vscode from 'vscode';
import { CoreV1Api } from '@kubernetes/client-node';
import { cancelled } from '../../platform/errors';
import { confirm, resolvePod, type CommandContext } from './shared';

export async function forceDeletePod(ctx: CommandContext, node?: unknown): Promise<void> {
  const pod = await resolvePod(ctx, node);
  const ok = await confirm(
    `Force delete pod ${pod.pod} in ${pod.namespace}?`,
    'Grace period 0: its processes get no time to clean up, and the pod object is removed at once. Its StatefulSet creates a new one.',
    'Force Delete',
  );
  if (!ok) throw cancelled();
  await ctx.services.cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .deleteNamespacedPod({ name: pod.pod, namespace: pod.namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0 } });
  ctx.services.log.info(`Force deleted pod ${pod.namespace}/${pod.pod}`);
  vscode.window.setStatusBarMessage(`Deleted ${pod.pod}`, 3000);
}
