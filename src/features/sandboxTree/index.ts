// The Sandboxes view: a TreeDataProvider over the SandboxModel. Watching starts when the view is first shown;
// refreshes name only the nodes that changed (the model coalesces bursts of cluster events).
import * as vscode from 'vscode';
import { shortUserName } from '../../core/kube/identity';
import { AgeRefresh } from '../../core/sandbox/ageRefresh';
import { nodeId, type TreeNode } from '../../core/sandbox/nodes';
import { nextRowChange, rowContext } from '../../core/sandbox/rowFace';
import type { SandboxModel } from '../../core/sandbox/liveModel';
import type { ReleaseVM } from '../../core/sandbox/viewModels';
import type { Services } from '../../services';
import { rowTooltip, treeItem } from './treeItems';
import { registerTreeCommands } from './commands';

export const SANDBOX_VIEW_ID = 'k8sSandbox.sandboxes';

export class SandboxTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: Array<{ dispose(): void }>;

  private readonly model: SandboxModel;
  /** Rows whose text the clock changes ("↻3 OOMKilled 2m", warning windows) refresh when it does, alone. */
  readonly ages = new AgeRefresh<TreeNode>((nodes) => this.emitter.fire(nodes), nodeId);

  constructor(private readonly services: Pick<Services, 'sandboxes' | 'cluster' | 'valuesFiles'>) {
    this.model = services.sandboxes;
    this.subs = [
      this.model.onDidChange((c) => this.emitter.fire(c.nodes)),
      services.valuesFiles.onDidChange(() => this.rerender()),
    ];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const vm = this.viewModel(node);
    const row = rowContext(this.model, node);
    const now = Date.now();
    this.ages.rendered(node, nextRowChange(node, vm, now, row));
    return treeItem(node, vm, now, row);
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (item.tooltip !== undefined) return item; // state messages carry theirs
    item.tooltip = rowTooltip(node, this.viewModel(node), Date.now(), rowContext(this.model, node));
    return item;
  }

  /** The node's view-model; a release's with the values file it was installed from (the editor's records). */
  private viewModel(node: TreeNode): ReturnType<SandboxModel['lookup']> {
    const vm = this.model.lookup(node);
    const context = this.services.cluster.current?.context;
    if (node.kind !== 'release' || !vm || context === undefined) return vm;
    const valuesFile = this.services.valuesFiles.get({ context, namespace: node.namespace, release: node.release });
    return valuesFile ? { ...(vm as ReleaseVM), valuesFile } : vm;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.model.children(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.parent(node);
  }

  /** Re-render everything shown, without touching the cluster. */
  rerender(): void {
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.ages.dispose();
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
  const onVisible = (visible: boolean): void => {
    if (visible) services.sandboxes.start(); // lazy: no watches until the view is first shown
    provider.ages.setActive(visible);
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
  );
  context.subscriptions.push(disposable);
  return disposable;
}
