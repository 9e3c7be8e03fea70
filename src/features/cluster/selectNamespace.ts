// Select Namespace: the cluster's namespaces when the user may list them, else typed in; validated either way.
import type { V1Namespace } from '@kubernetes/client-node';
import * as vscode from 'vscode';
import { listObjects } from '../../core/kube/objectApi';
import { validateNamespace } from '../../core/names/validate';
import { validationMessage } from '../../platform/ui';
import type { Services } from '../../services';

const TYPE_ITEM = '$(edit) Type a namespace…';
const DEFAULT_ITEM = '$(discard) Use the context / setting default';

async function listNamespaces(services: Pick<Services, 'cluster' | 'log'>): Promise<string[] | undefined> {
  try {
    const list = await listObjects<V1Namespace>(services.cluster.kubeConfig, 'v1', 'Namespace');
    return list.items
      .map((n) => n.metadata?.name ?? '')
      .filter(Boolean)
      .sort();
  } catch (e) {
    // Restricted users often cannot list namespaces: fall back to typing one.
    services.log.info(
      `Select Namespace: cannot list namespaces (${(e as { code?: unknown }).code ?? 'error'}); asking instead`,
    );
    return undefined;
  }
}

export async function selectNamespace(services: Pick<Services, 'cluster' | 'log'>): Promise<void> {
  const current = services.cluster.require().namespace;
  const names = await listNamespaces(services);
  let chosen: string | undefined;
  if (names) {
    const picked = await vscode.window.showQuickPick(
      [
        ...names.map((n) => ({ label: n, description: n === current ? 'current' : undefined })),
        { label: TYPE_ITEM },
        { label: DEFAULT_ITEM },
      ],
      { title: 'Select Namespace', placeHolder: `Namespace for the Sandboxes view and installs (now: ${current})` },
    );
    if (!picked) return;
    if (picked.label === DEFAULT_ITEM) {
      services.cluster.useNamespace(undefined);
      return;
    }
    chosen = picked.label === TYPE_ITEM ? undefined : picked.label;
  }
  if (!chosen) {
    chosen = await vscode.window.showInputBox({
      title: 'Select Namespace',
      value: current,
      prompt: 'Namespace for the Sandboxes view and installs',
      validateInput: validationMessage(validateNamespace),
    });
    if (!chosen) return;
  }
  services.cluster.useNamespace(validateNamespace(chosen));
}
