// Quick picks over the cluster shared by features.
import * as vscode from 'vscode';
import type { ClusterAccess } from '../core/kube/clusterAccess';
import { listCommand, type HelmRelease } from '../core/helm/commands';
import { runHelm } from '../core/helm/runner';
import type { ReleaseRef } from '../core/helm/teardown';
import { cancelled } from '../core/errors';
import { helmSetup } from './helmEnvironment';

/** Helm releases in the current namespace; throws a cancellation when there are none or nothing is picked. */
export async function pickReleases(services: { cluster: ClusterAccess }, canPickMany: boolean): Promise<ReleaseRef[]> {
  const { target, env, snapshot } = await helmSetup(services);
  const releases: HelmRelease[] = await runHelm(listCommand(target, { namespace: snapshot.namespace }), { env });
  if (releases.length === 0) {
    void vscode.window.showInformationMessage(`No Helm releases in namespace ${snapshot.namespace}.`);
    throw cancelled();
  }
  const items = releases.map((r) => ({
    label: r.name,
    description: `${r.status} · rev ${r.revision}`,
    detail: r.chart,
    ref: { namespace: r.namespace, release: r.name },
  }));
  const picked = canPickMany
    ? await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Sandboxes to tear down' })
    : await vscode.window.showQuickPick(items, { title: 'Sandbox' }).then((p) => (p ? [p] : undefined));
  if (!picked || picked.length === 0) throw cancelled();
  return picked.map((p) => p.ref);
}
