// The Sandboxes view's own commands: grouping toggle, find (quick pick → reveal), copy sample UUID / release
// name, Tear Down Task, Reveal in Sandboxes (from a values file or a pod terminal).
import * as vscode from 'vscode';
import { cancelled, SandboxError } from '../../core/errors';
import { findEntries, ownerText } from '../../core/sandbox/find';
import { isSandboxNode, type TaskNode, type TreeNode } from '../../core/sandbox/nodes';
import type { Grouping } from '../../core/sandbox/liveModel';
import type { ReleaseVM } from '../../core/sandbox/viewModels';
import { taskLabel } from '../../core/sandbox/taskGroups';
import { validateNamespace, validateReleaseName } from '../../core/names/validate';
import { gate } from '../../platform/errorGate';
import { confirm } from '../../platform/ui';
import { sandboxTerminalTarget } from '../terminal';
import type { runTearDown } from '../tearDown';
import type { Services } from '../../services';

export const treeCommandTitles = {
  'k8sSandbox.showFlatList': 'Show Flat List by Namespace',
  'k8sSandbox.groupByTask': 'Group by Task',
  'k8sSandbox.findSandbox': 'Find Sandbox…',
  'k8sSandbox.copySampleUuid': 'Copy Sample UUID',
  'k8sSandbox.copyReleaseName': 'Copy Release Name',
  'k8sSandbox.tearDownTask': 'Tear Down Task',
  'k8sSandbox.revealInSandboxes': 'Reveal in Sandboxes',
} as const;
type TreeCommandId = keyof typeof treeCommandTitles;
const GROUPING_CONTEXT = 'k8sSandbox.grouping';

type TreeServices = Pick<Services, 'sandboxes' | 'cluster' | 'valuesFiles' | 'log'>;

export function registerTreeCommands(
  context: vscode.ExtensionContext,
  services: TreeServices,
  view: vscode.TreeView<TreeNode>,
): vscode.Disposable {
  const model = services.sandboxes;
  const setGrouping = async (g: Grouping): Promise<void> => {
    model.setGrouping(g);
    await vscode.commands.executeCommand('setContext', GROUPING_CONTEXT, g);
  };
  void vscode.commands.executeCommand('setContext', GROUPING_CONTEXT, model.grouping);
  // From the palette no node is passed: act on the row selected in the view.
  const releaseOf = (arg: unknown): ReleaseVM => {
    const node = arg ?? view.selection[0];
    if (!isSandboxNode(node))
      throw new SandboxError('InvalidInput', 'Select a sample (release) in the Sandboxes view first.');
    const r = model.release(node.namespace, node.release);
    if (!r) throw new SandboxError('InvalidInput', `Release ${node.release} is no longer listed.`);
    return r;
  };
  const reveal = async (node: TreeNode): Promise<void> => {
    await vscode.commands.executeCommand(`${'k8sSandbox.sandboxes'}.focus`);
    await view.reveal(node, { select: true, focus: true, expand: node.kind === 'task' ? false : 1 });
  };
  const handlers: Record<TreeCommandId, (...args: unknown[]) => Promise<void>> = {
    'k8sSandbox.showFlatList': () => setGrouping('namespaces'),
    'k8sSandbox.groupByTask': () => setGrouping('tasks'),
    'k8sSandbox.findSandbox': async () => {
      if (model.grouping !== 'tasks') await setGrouping('tasks');
      const items = findEntries(model.taskGroups).map((e) => ({
        label: e.label,
        description: e.description,
        entry: e,
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Find sandbox: task, sample UUID, release or service',
        matchOnDescription: true,
      });
      if (!picked) throw cancelled();
      await reveal(picked.entry.node);
    },
    'k8sSandbox.copySampleUuid': async (node) => {
      const r = releaseOf(node);
      if (!r.sampleUuid)
        throw new SandboxError('InvalidInput', `${r.name} has no sample UUID (it was not installed by inspect).`);
      await vscode.env.clipboard.writeText(r.sampleUuid);
      vscode.window.setStatusBarMessage(`Copied ${r.sampleUuid}`, 3000);
    },
    'k8sSandbox.copyReleaseName': async (node) => {
      const r = releaseOf(node);
      await vscode.env.clipboard.writeText(r.name);
      vscode.window.setStatusBarMessage(`Copied ${r.name}`, 3000);
    },
    'k8sSandbox.tearDownTask': async (node) => {
      const task = await pickTask(
        model.taskGroups.map((g) => g.node),
        node,
      );
      const releases = model.taskReleases(task);
      if (!releases.length) throw new SandboxError('InvalidInput', `Task ${taskLabel(task)} has no sandboxes left.`);
      const lines = releases.map(
        (r) => `${r.name} (${r.namespace}${r.sampleUuid ? `, sample ${r.sampleUuid}` : ''}) — ${ownerText(r)}`,
      );
      const shown = lines.length > 30 ? [...lines.slice(0, 30), `… and ${lines.length - 30} more`] : lines;
      const ok = await confirm(
        `Tear down all ${releases.length} sandboxes of task ${taskLabel(task)}?`,
        `helm uninstall --wait removes:\n${shown.join('\n')}`,
        'Tear Down Task',
      );
      if (!ok) throw cancelled();
      // helm and its client load on first use (the view needs none of it at activation; same bundle).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
      const tearDown = (require('../tearDown') as { runTearDown: typeof runTearDown }).runTearDown;
      await tearDown(
        services,
        releases.map((r) => ({ namespace: validateNamespace(r.namespace), release: validateReleaseName(r.name) })),
      );
    },
    'k8sSandbox.revealInSandboxes': async (arg) => {
      const node = findFor(services, arg);
      if (!node)
        throw new SandboxError(
          'InvalidInput',
          'No sandbox of this values file or terminal is listed in the Sandboxes view.',
        );
      await reveal(node);
    },
  };
  const all = vscode.Disposable.from(
    ...(Object.keys(handlers) as TreeCommandId[]).map((id) =>
      vscode.commands.registerCommand(
        id,
        gate(treeCommandTitles[id], services.log, (...a: unknown[]) => handlers[id](...a)),
      ),
    ),
  );
  context.subscriptions.push(all);
  return all;
}

async function pickTask(tasks: readonly TaskNode[], node: unknown): Promise<TaskNode> {
  const n = node as TaskNode | undefined;
  if (n?.kind === 'task') return n;
  const inspectTasks = tasks.filter((t) => t.task !== undefined);
  if (!inspectTasks.length) throw new SandboxError('InvalidInput', 'No inspect task is listed in the Sandboxes view.');
  const picked = await vscode.window.showQuickPick(
    inspectTasks.map((t) => ({ label: taskLabel(t), task: t })),
    { title: 'Tear down which task?' },
  );
  if (!picked) throw cancelled();
  return picked.task;
}

/**
 * The release of a values file (editor or explorer URI), or the pod of a pod terminal: the one whose tab's context
 * menu was used (VS Code passes that terminal), else the active one (palette).
 */
function findFor(services: TreeServices, arg: unknown): TreeNode | undefined {
  const model = services.sandboxes;
  const clicked = vscode.window.terminals.find((t) => t === arg);
  if (clicked) return podOf(model, clicked);
  const uri = arg instanceof vscode.Uri ? arg : undefined;
  const terminal = vscode.window.activeTerminal;
  const file =
    uri?.fsPath ??
    (!terminal || vscode.window.activeTextEditor ? vscode.window.activeTextEditor?.document.uri.fsPath : undefined);
  const context = services.cluster.current?.context;
  if (file && context !== undefined) {
    const r = model.releases.find(
      (x) => services.valuesFiles.get({ context, namespace: x.namespace, release: x.name }) === file,
    );
    if (r) return r.node;
  }
  return terminal && podOf(model, terminal);
}

/** The pod row of a terminal: ours know their pod; any other is matched by the longest pod name in its name. */
function podOf(model: TreeServices['sandboxes'], terminal: vscode.Terminal): TreeNode | undefined {
  const target = sandboxTerminalTarget(terminal);
  if (target)
    return model.releases
      .filter((r) => r.namespace === target.namespace)
      .flatMap((r) => r.pods)
      .find((p) => p.name === target.pod)?.node;
  let best: TreeNode | undefined;
  let len = 0;
  for (const r of model.releases)
    for (const p of r.pods)
      if (terminal.name.includes(p.name) && p.name.length > len) [best, len] = [p.node, p.name.length];
  return best;
}
