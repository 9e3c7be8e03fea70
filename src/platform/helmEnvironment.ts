// Where helm and the chart are, and how helm is pointed at the current kubeconfig and context.
import { existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { ClusterAccess, ClusterSnapshot } from '../core/kube/clusterAccess';
import { detectHelm, findHelm } from '../core/helm/locate';
import type { HelmTarget } from '../core/helm/commands';
import { SandboxError } from '../core/errors';
import { settings } from './settings';

export interface HelmSetup {
  target: HelmTarget;
  env: NodeJS.ProcessEnv;
  snapshot: ClusterSnapshot;
}

/** helm from the setting or PATH, pointed at the current kubeconfig and context. */
export async function helmSetup(services: { cluster: ClusterAccess }): Promise<HelmSetup> {
  const snapshot = services.cluster.require();
  const helm = await detectHelm(findHelm(settings.helmPath(), process.env.PATH));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const target: HelmTarget = { helm, kubeContext: snapshot.context };
  // helm takes one --kubeconfig; several files are merged through KUBECONFIG, as kubectl does.
  if (snapshot.paths.length === 1) target.kubeconfig = snapshot.paths[0];
  else env.KUBECONFIG = snapshot.paths.join(delimiter);
  return { target, env, snapshot };
}

/** "built-in" → the extension's chart; else a chart directory (relative to the first workspace folder). */
export function chartDir(extensionPath: string): string {
  const setting = settings.chart().trim();
  if (!setting || setting === 'built-in') return join(extensionPath, 'chart');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const dir = isAbsolute(setting) ? setting : root ? resolve(root, setting) : undefined;
  if (!dir || !existsSync(join(dir, 'Chart.yaml')) || !statSync(dir).isDirectory()) {
    throw new SandboxError('InvalidInput', `k8sSandbox.chart "${setting}" is not a chart directory (no Chart.yaml)`, {
      hint: 'Set it to "built-in" or to a chart folder.',
    });
  }
  return dir;
}
