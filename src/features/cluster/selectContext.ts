// Select Context: a quick pick of the kubeconfig's contexts; the choice applies to this window (the kubeconfig
// file is not modified) and is remembered for the next session.
import * as vscode from 'vscode';
import type { Services } from '../../services';

export const CONTEXT_KEY = 'k8sSandbox.selectedContext';

export async function selectContext(services: Pick<Services, 'cluster'>, memento: vscode.Memento): Promise<void> {
  const access = services.cluster;
  const names = access.contexts();
  if (names.length === 0) throw access.error ?? new Error('The kubeconfig defines no contexts.');
  const current = access.current?.context;
  const picked = await vscode.window.showQuickPick(
    names.map((name) => ({
      label: name,
      description: name === current ? 'current' : undefined,
      picked: name === current,
    })),
    { title: 'Select Context', placeHolder: 'Kubernetes context for the Sandboxes view and commands' },
  );
  if (!picked || picked.label === current) return;
  access.useContext(picked.label);
  await memento.update(CONTEXT_KEY, picked.label);
  if (access.error) throw access.error; // e.g. the context names a missing CA file: say so now
}

/** Re-applies the context chosen in an earlier session, if the kubeconfig still has it. */
export function restoreContext(services: Pick<Services, 'cluster'>, memento: vscode.Memento): void {
  const saved = memento.get<string>(CONTEXT_KEY);
  const access = services.cluster;
  if (saved && saved !== access.current?.context && access.contexts().includes(saved)) access.useContext(saved);
}
