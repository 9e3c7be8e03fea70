// Node → TreeItem: labels, descriptions, icons and tooltips come from the pure display helpers (descriptions and
// icons through rowFace, which also says when the clock next changes them; tooltips when a row is hovered).
import * as vscode from 'vscode';
import { containerTooltip, releaseTooltip, type IconSpec } from '../../core/sandbox/display';
import {
  fit,
  LABEL_BUDGET,
  sampleLabel,
  sampleTooltip,
  serviceLabel,
  serviceTooltip,
  taskTooltip,
} from '../../core/sandbox/evalDisplay';
import { isSampleRow, rowFace, type RowContext } from '../../core/sandbox/rowFace';
import { taskLabel } from '../../core/sandbox/taskGroups';
import type { ContainerVM, PodVM, ReleaseVM } from '../../core/sandbox/viewModels';
import { nodeId, type MessageAction, type MessageNode, type TreeNode } from '../../core/sandbox/nodes';
import { COMMAND } from '../../platform/commandIds';

const icon = (i: IconSpec): vscode.ThemeIcon =>
  new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);
const tooltip = (text: string): vscode.MarkdownString => new vscode.MarkdownString(text);

const ACTIONS: Record<MessageAction, { command: string; title: string; args?: unknown[] }> = {
  retry: { command: COMMAND.retry, title: 'Retry' },
  selectContext: { command: COMMAND.selectContext, title: 'Select Context' },
  selectNamespace: { command: COMMAND.selectNamespace, title: 'Select Namespace' },
  installSandbox: { command: COMMAND.installSandbox, title: 'Install Sandbox' },
  openSettings: { command: 'workbench.action.openSettings', title: 'Open Settings', args: ['k8sSandbox'] },
};

const SEVERITY_ICON: Record<MessageNode['severity'], IconSpec> = {
  loading: { id: 'loading~spin' },
  info: { id: 'info' },
  warning: { id: 'warning', color: 'list.warningForeground' },
  error: { id: 'error', color: 'testing.iconFailed' },
};

function messageItem(m: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(m.message, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(m);
  item.iconPath = icon(SEVERITY_ICON[m.severity]);
  item.contextValue = 'message';
  if (m.action) {
    const a = ACTIONS[m.action];
    item.command = { command: a.command, title: a.title, arguments: a.args };
    item.description = a.title;
  }
  const tip = [m.message, m.detail, m.action ? `Click: ${ACTIONS[m.action].title}` : undefined]
    .filter(Boolean)
    .join('\n\n');
  item.tooltip = tip;
  return item;
}

export type { RowContext };

export function treeItem(
  node: TreeNode,
  vm: ReleaseVM | PodVM | ContainerVM | undefined,
  now: number,
  ctx: RowContext = { samples: false },
): vscode.TreeItem {
  const face = rowFace(node, vm, now, ctx);
  const item = baseItem(node, vm, ctx);
  if (face.description !== undefined) item.description = face.description;
  if (face.icon) item.iconPath = icon(face.icon);
  return item;
}

/**
 * A row's tooltip, made when it is hovered (resolveTreeItem), not for every row on every refresh: a tree of 1,000
 * releases would build 1,000 Markdown tooltips no one reads. Ages in it are as of the hover.
 */
export function rowTooltip(
  node: TreeNode,
  vm: ReleaseVM | PodVM | ContainerVM | undefined,
  now: number,
  ctx: RowContext,
): vscode.MarkdownString | undefined {
  switch (node.kind) {
    case 'task': {
      const counts = rowFace(node, vm, now, ctx).counts;
      return counts
        ? tooltip(taskTooltip(node.task ?? taskLabel(node), counts, (ctx.taskReleases ?? []).length))
        : undefined;
    }
    case 'release': {
      const r = vm as ReleaseVM | undefined;
      if (!r) return undefined;
      return tooltip(isSampleRow(r, ctx) ? sampleTooltip(r, now) : releaseTooltip(r, now));
    }
    case 'pod':
      return vm ? tooltip(serviceTooltip(vm as PodVM, now)) : undefined;
    case 'container':
      return vm ? tooltip(containerTooltip(vm as ContainerVM, now)) : undefined;
    default:
      return undefined;
  }
}

/** Label, id, context and command of a row; its description and icon come from rowFace. */
function baseItem(node: TreeNode, vm: ReleaseVM | PodVM | ContainerVM | undefined, ctx: RowContext): vscode.TreeItem {
  switch (node.kind) {
    case 'task': {
      const item = new vscode.TreeItem(fit(taskLabel(node), LABEL_BUDGET), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = nodeId(node);
      item.contextValue = node.task !== undefined ? 'task' : 'installedHere';
      return item;
    }
    case 'message':
      return messageItem(node);
    case 'namespace': {
      const item = new vscode.TreeItem(node.namespace, vscode.TreeItemCollapsibleState.Expanded);
      item.id = nodeId(node);
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      item.contextValue = 'namespace';
      return item;
    }
    case 'release': {
      const r = vm as ReleaseVM | undefined;
      const sample = isSampleRow(r, ctx);
      const item = new vscode.TreeItem(
        sample && r ? sampleLabel(r) : node.release,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = nodeId(node);
      item.contextValue = 'release';
      return item;
    }
    case 'pod': {
      const p = vm as PodVM | undefined;
      // Named by its inspect/service: the pod name repeats the release and would push the facts out of sight.
      const item = new vscode.TreeItem(p ? serviceLabel(p) : node.pod, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = nodeId(node);
      item.contextValue = 'pod';
      return item;
    }
    case 'container': {
      const c = vm as ContainerVM | undefined;
      const item = new vscode.TreeItem(node.container, vscode.TreeItemCollapsibleState.None);
      item.id = nodeId(node);
      item.contextValue = 'container';
      // A finished init container has nothing to attach to.
      if (!c || c.kind !== 'init' || c.state === 'running') {
        item.command = { command: COMMAND.openTerminal, title: 'Open Terminal', arguments: [node] };
      }
      return item;
    }
  }
}
