// The Sandboxes view: a TreeDataProvider over the SandboxModel. Watching starts when the view is first shown;
// refreshes name only the nodes that changed (the model coalesces bursts of cluster events).
import * as vscode from 'vscode';
import { shortUserName } from '../../core/kube/identity';
import type { TreeNode } from '../../core/sandbox/nodes';
import type { SandboxModel } from '../../core/sandbox/liveModel';
import type { ReleaseVM } from '../../core/sandbox/viewModels';
import type { Services } from '../../services';
import { treeItem, type RowContext } from './treeItems';
import { registerTreeCommands } from './commands';

export const SANDBOX_VIEW_ID = 'k8sSandbox.sandboxes';
/** Ages in descriptions ("5m") drift; re-render them this often while the view is visible (no API calls). */
const AGE_REFRESH_MS = 60_000;

export class SandboxTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: Array<{ dispose(): void }>;

  private readonly model: SandboxModel;

  constructor(private readonly services: Pick<Services, 'sandboxes' | 'cluster' | 'valuesFiles'>) {
    this.model = services.sandboxes;
    this.subs = [
      this.model.onDidChange((c) => this.emitter.fire(c.nodes)),
      services.valuesFiles.onDidChange(() => this.rerender()),
    ];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const vm = this.model.lookup(node);
    const context = this.services.cluster.current?.context;
    const row: RowContext = {
      samples: this.model.grouping === 'tasks',
      taskReleases: node.kind === 'task' ? this.model.taskReleases(node) : undefined,
      release: node.kind === 'pod' ? this.model.release(node.namespace, node.release) : undefined,
    };
    if (node.kind === 'release' && vm && context !== undefined) {
      const file = this.services.valuesFiles.get({ context, namespace: node.namespace, release: node.release });
      if (file) return treeItem(node, { ...(vm as ReleaseVM), valuesFile: file }, Date.now(), row);
    }
    return treeItem(node, vm, Date.now(), row);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.model.children(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.parent(node);
  }

  /** Re-render everything shown (ages), without touching the cluster. */
  rerender(): void {
    this.emitter.fire(undefined);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

export function registerSandboxTree(
  context: vscode.ExtensionContext,
  services: Pick<Services, 'sandboxes' | 'cluster' | 'valuesFiles' | 'log'>,
): vscode.Disposable {
  const provider = new SandboxTreeProvider(services);
  const view = vscode.window.createTreeView(SANDBOX_VIEW_ID, {
    treeDataProvider: provider,
    showCollapseAll: true,
    canSelectMany: true,
  });
  let ageTimer: NodeJS.Timeout | undefined;
  const onVisible = (visible: boolean): void => {
    if (visible) services.sandboxes.start(); // lazy: no watches until the view is first shown
    if (visible && !ageTimer) ageTimer = setInterval(() => provider.rerender(), AGE_REFRESH_MS);
    if (!visible && ageTimer) {
      clearInterval(ageTimer);
      ageTimer = undefined;
    }
  };
  const describe = (): void => {
    const cur = services.cluster.current;
    const who = services.cluster.knownIdentity;
    const me = who ? ` · ${who.known ? shortUserName(who.identity.username) : 'identity unknown'}` : '';
    view.description = cur ? `${cur.context} · ${cur.namespace}${me}` : undefined;
  };
  describe();
  onVisible(view.visible);
  const disposable = vscode.Disposable.from(
    provider,
    view,
    registerTreeCommands(context, services, view),
    view.onDidChangeVisibility((e) => onVisible(e.visible)),
    services.cluster.onDidChange(describe),
    services.cluster.onDidChangeIdentity(describe),
    { dispose: () => ageTimer && clearInterval(ageTimer) },
  );
  context.subscriptions.push(disposable);
  return disposable;
}
