// Cluster feature: status-bar item (context / namespace / connection state) and the Refresh, Retry,
// Select Context and Select Namespace commands.
import * as vscode from 'vscode';
import { gate } from '../../platform/errorGate';
import type { Services } from '../../services';
import { COMMAND, clusterCommandIds, clusterCommandTitles, type ClusterCommandId } from '../../platform/commandIds';
import { restoreContext, selectContext } from './selectContext';
import { selectNamespace } from './selectNamespace';
import { statusText } from './statusText';

export function registerCluster(context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  restoreContext(services, context.globalState);
  const handlers: Record<ClusterCommandId, () => Promise<void> | void> = {
    'k8sSandbox.refresh': () => {
      services.cluster.reload();
      services.sandboxes.refresh();
    },
    'k8sSandbox.retry': () => services.sandboxes.retry(),
    'k8sSandbox.selectContext': () => selectContext(services, context.globalState),
    'k8sSandbox.selectNamespace': () => selectNamespace(services),
  };
  const commands = clusterCommandIds.map((id) =>
    vscode.commands.registerCommand(id, gate(clusterCommandTitles[id], services.log, handlers[id])),
  );

  const item = vscode.window.createStatusBarItem('k8sSandbox.cluster', vscode.StatusBarAlignment.Left, 50);
  item.name = 'K8s Sandbox: cluster';
  item.command = COMMAND.selectContext;
  const render = (): void => {
    const s = statusText(services.watches.state, services.cluster.knownIdentity);
    item.text = s.text;
    item.tooltip = s.tooltip;
    item.backgroundColor = s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  // Ask the server who we are once per context (cached); the answer fires onDidChange, which re-renders.
  const ask = (): void => {
    if (services.cluster.current && !services.cluster.knownIdentity)
      services.cluster
        .whoAmI()
        .catch((e: unknown) =>
          services.log.warn(`Could not ask the API server who you are: ${e instanceof Error ? e.message : String(e)}`),
        );
  };
  render();
  ask();
  item.show();
  const disposable = vscode.Disposable.from(
    ...commands,
    item,
    services.watches.onDidChangeState(render),
    services.cluster.onDidChange(() => {
      render();
      ask();
    }),
    services.cluster.onDidChangeIdentity(render),
  );
  context.subscriptions.push(disposable);
  return disposable;
}
