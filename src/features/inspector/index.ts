// Sandbox Inspector feature: the Open Inspector command (tree release node, inline action, palette with a
// picker) and the serializer that revives panels after a restart.
import * as vscode from 'vscode';
import { isSandboxNode } from '../../core/sandbox/nodes';
import { validateNamespace, validateReleaseName } from '../../core/names/validate';
import { gate } from '../../platform/errorGate';
import { COMMAND } from '../../platform/commandIds';
import { cancelled } from '../../core/errors';
import { pickReleases } from '../../platform/pickers';
import { INSPECTOR_VIEW_TYPE, type InspectorServices, type ReleaseTarget } from './types';
import { webviewStateSchema, type WebviewState } from '../../protocol/inspector';

export const OPEN_INSPECTOR = COMMAND.openInspector;

// The panel (Hubble relay gRPC client, protobuf, the session) loads when a panel first opens, not at activation:
// esbuild keeps it in the one bundle and evaluates it only when this require runs (the Sandboxes view needs none
// of it to show its first rows).
let panelModule: typeof import('./panel') | undefined;
const panelClass = (): typeof import('./panel').InspectorPanel =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
  (panelModule ??= require('./panel') as typeof import('./panel')).InspectorPanel;

export function registerInspector(context: vscode.ExtensionContext, services: InspectorServices): vscode.Disposable {
  const open = vscode.commands.registerCommand(
    OPEN_INSPECTOR,
    gate('Open Sandbox Inspector', services.log, async (node?: unknown) => {
      const target = isSandboxNode(node)
        ? { namespace: node.namespace, release: node.release }
        : await pickRelease(context, services);
      panelClass().createOrShow(context, services, {
        namespace: validateNamespace(target.namespace),
        release: validateReleaseName(target.release),
      });
    }),
  );
  const serializer = vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state: unknown) {
      const problem = webviewStateSchema.check(state, 'state');
      const s = state as WebviewState;
      if (problem || !s.namespace || !s.release) {
        services.log.warn(`Inspector: not restoring a panel with unusable state (${problem ?? 'no release'})`);
        panel.dispose();
        return;
      }
      panelClass().revive(panel, context, services, { namespace: s.namespace, release: s.release });
    },
  });
  const disposable = vscode.Disposable.from(open, serializer, {
    dispose: () => panelModule?.InspectorPanel.disposeAll(),
  });
  context.subscriptions.push(disposable);
  return disposable;
}

/** The sandboxes the tree knows; helm's list when the tree has none. */
async function pickRelease(context: vscode.ExtensionContext, services: InspectorServices): Promise<ReleaseTarget> {
  const known = services.sandboxes?.releases ?? [];
  if (known.length === 0) {
    const [ref] = await pickReleases(services, false);
    return ref;
  }
  const picked = await vscode.window.showQuickPick(
    known.map((r) => ({
      label: r.name,
      description: `${r.namespace} · ${r.status} · ${r.readyPods}/${r.expectedPods} ready`,
      target: { namespace: r.namespace, release: r.name },
    })),
    { title: 'Open Sandbox Inspector for' },
  );
  if (!picked) throw cancelled();
  return picked.target;
}
