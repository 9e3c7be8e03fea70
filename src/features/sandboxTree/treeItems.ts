// Node → TreeItem: labels, descriptions, icons and tooltips come from the pure display helpers.
import * as vscode from 'vscode';
import {
  containerDescription,
  containerIcon,
  containerTooltip,
  podDescription,
  podIcon,
  podTooltip,
  releaseDescription,
  releaseIcon,
  releaseTooltip,
  type IconSpec,
} from '../../core/sandbox/display';
import type { ContainerVM, PodVM, ReleaseVM } from '../../core/sandbox/viewModels';
import { nodeId, type MessageAction, type MessageNode, type TreeNode } from '../../core/sandbox/nodes';
import { COMMAND } from '../../platform/commandIds';

const icon = (i: IconSpec): vscode.ThemeIcon => new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);
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
  const tip = [m.message, m.detail, m.action ? `Click: ${ACTIONS[m.action].title}` : undefined].filter(Boolean).join('\n\n');
  item.tooltip = tip;
  return item;
}

export function treeItem(node: TreeNode, vm: ReleaseVM | PodVM | ContainerVM | undefined, now: number): vscode.TreeItem {
  switch (node.kind) {
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
      const item = new vscode.TreeItem(node.release, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = nodeId(node);
      item.contextValue = 'release';
      if (r) {
        item.description = releaseDescription(r, now);
        item.tooltip = tooltip(releaseTooltip(r, now));
        item.iconPath = icon(releaseIcon(r));
      }
      return item;
    }
    case 'pod': {
      const p = vm as PodVM | undefined;
      const item = new vscode.TreeItem(node.pod, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = nodeId(node);
      item.contextValue = 'pod';
      if (p) {
        item.description = podDescription(p, now);
        item.tooltip = tooltip(podTooltip(p, now));
        item.iconPath = icon(podIcon(p));
      }
      return item;
    }
    case 'container': {
      const c = vm as ContainerVM | undefined;
      const item = new vscode.TreeItem(node.container, vscode.TreeItemCollapsibleState.None);
      item.id = nodeId(node);
      item.contextValue = 'container';
      if (c) {
        item.description = containerDescription(c, now);
        item.tooltip = tooltip(containerTooltip(c, now));
        item.iconPath = icon(containerIcon(c));
      }
      // A finished init container has nothing to attach to.
      if (!c || c.kind !== 'init' || c.state === 'running') {
        item.command = { command: COMMAND.openTerminal, title: 'Open Terminal', arguments: [node] };
      }
      return item;
    }
  }
}
