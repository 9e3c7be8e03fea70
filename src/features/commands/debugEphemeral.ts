// Debug with Ephemeral Container: for images without a shell. Confirms the caveats first, adds the
// container (sharing the target container's process namespace) and attaches a terminal.
import * as vscode from 'vscode';
import { addEphemeralContainer, validateImage } from '../../core/exec/ephemeral';
import { cancelled } from '../../core/errors';
import { openPodTerminal } from '../terminal';
import { confirm, validationMessage, withProgress } from '../../platform/ui';
import { resolveContainer, type CommandContext } from './shared';

const DEFAULT_IMAGE = 'busybox:1.36';

export async function debugEphemeral(ctx: CommandContext, node?: unknown): Promise<void> {
  const t = await resolveContainer(ctx, node);
  const ok = await confirm(
    `Add an ephemeral debug container to pod ${t.pod}?`,
    [
      'Ephemeral containers:',
      "• have no resource limits (they can use the node beyond the pod's limits);",
      '• cannot be removed: the container stays in the pod spec until the pod is deleted;',
      `• share the pod's network and IPC namespaces, and the process namespace of "${t.container}".`,
    ].join('\n'),
    'Add Debug Container',
  );
  if (!ok) throw cancelled();
  const image = await vscode.window.showInputBox({
    title: 'Debug image',
    value: DEFAULT_IMAGE,
    validateInput: validationMessage(validateImage),
  });
  if (image === undefined) throw cancelled();
  const kc = ctx.services.cluster.kubeConfig;
  const name = await withProgress(
    `Starting debug container in ${t.pod}`,
    () => addEphemeralContainer(kc, { namespace: t.namespace, pod: t.pod, targetContainer: t.container, image }),
    false,
  );
  ctx.services.log.info(
    `Ephemeral container ${name} (${image}) added to ${t.namespace}/${t.pod}, targeting ${t.container}`,
  );
  await openPodTerminal(
    kc,
    { namespace: t.namespace, pod: t.pod, container: name },
    { name: `${t.pod}/${name} (debug)` },
  );
}
