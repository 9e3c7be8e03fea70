// One Sandbox Inspector panel per release (createOrShow / revive). The webview is locked down (CSP with a
// nonce, resources only from dist/ and media/) and is not kept alive when hidden: on show it reloads, restores
// its own state (setState) and asks the host for everything again ('ready').
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { validateNamespace, validateReleaseName } from '../../core/names/validate';
import { PanelActions } from './actions';
import { inspectorHtml, makeNonce } from '../../core/inspector/html';
import { kubePorts, type InspectorPorts } from '../../core/inspector/kubePorts';
import { buildTimeoutsView } from '../../core/inspector/rows';
import { InspectorSession } from '../../core/inspector/inspectorSession';
import type { NetworkSourceSettings } from '../../core/cilium/networkSource';
import type { SourcePreference } from '../../core/cilium/source';
import type { WhoAmI } from '../../core/kube/identity';
import { INSPECTOR_VIEW_TYPE, type InspectorServices, type ReleaseTarget } from './types';
import { settings } from '../../platform/settings';

export class InspectorPanel {
  private static readonly panels = new Map<string, InspectorPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly session: InspectorSession;
  private disposed = false;

  static createOrShow(
    ext: vscode.ExtensionContext,
    services: InspectorServices,
    target: ReleaseTarget,
  ): InspectorPanel {
    const key = `${target.namespace}/${target.release}`;
    const existing = InspectorPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      INSPECTOR_VIEW_TYPE,
      title(target),
      vscode.ViewColumn.Active,
      webviewOptions(ext),
    );
    return new InspectorPanel(panel, ext, services, target);
  }

  /** After a restart VS Code hands back the panel with the webview's saved state (already validated). */
  static revive(
    panel: vscode.WebviewPanel,
    ext: vscode.ExtensionContext,
    services: InspectorServices,
    target: ReleaseTarget,
  ): InspectorPanel {
    const key = `${target.namespace}/${target.release}`;
    InspectorPanel.panels.get(key)?.panel.dispose();
    return new InspectorPanel(panel, ext, services, target);
  }

  static disposeAll(): void {
    for (const p of [...InspectorPanel.panels.values()]) p.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    ext: vscode.ExtensionContext,
    private readonly services: InspectorServices,
    private readonly target: ReleaseTarget,
  ) {
    validateNamespace(target.namespace);
    validateReleaseName(target.release);
    InspectorPanel.panels.set(this.key, this);
    panel.title = title(target);
    panel.iconPath = vscode.Uri.joinPath(ext.extensionUri, 'media', 'sandbox.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewOptions(ext).localResourceRoots };
    panel.webview.html = this.html(ext);
    let ports: InspectorPorts | undefined;
    const getPorts = () =>
      (ports ??= kubePorts(services.cluster.kubeConfig, { keepaliveSeconds: settings.keepaliveSeconds() }));
    const actions = new PanelActions(ext, services, target, getPorts);
    this.session = new InspectorSession({
      namespace: target.namespace,
      release: target.release,
      context: services.cluster.current?.context,
      ports: {
        listPods: (ns, sel) => getPorts().listPods(ns, sel),
        exec: (t) => getPorts().exec(t),
        forward: (ns, pod, port) => getPorts().forward(ns, pod, port),
        canI: (check) => getPorts().canI(check),
        followLog: (ns, pod, container, since) => getPorts().followLog(ns, pod, container, since),
      },
      // The grant commands of "no access" name who the server says we are, not the kubeconfig user.
      source: flowSourceSettings(() => services.cluster.whoAmI()),
      loadTimeouts: async () => {
        const p = getPorts();
        const [pods, helm] = await Promise.all([
          p.releasePods(target.namespace, target.release),
          p.helmRelease(target.namespace, target.release).catch(() => undefined),
        ]);
        const file = actions.valuesFile();
        // The values file the user edits wins over helm's stored values only when helm's are unreadable.
        const values = helm?.values ?? (file ? parse(await readFile(file, 'utf8').catch(() => '')) : undefined);
        return buildTimeoutsView(pods, values, file);
      },
      post: (m) => void this.panel.webview.postMessage(m),
      log: services.log,
      actions,
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.session.handle(m)),
      services.cluster.onDidChange(() => {
        ports = undefined;
        void this.session.handle({ type: 'reconnect' });
      }),
    );
    this.session
      .start()
      .catch((err: unknown) => services.log.error(`Inspector ${this.key}: cannot start the drop stream`, err));
  }

  private get key(): string {
    return `${this.target.namespace}/${this.target.release}`;
  }

  private html(ext: vscode.ExtensionContext): string {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(ext.extensionUri, 'dist');
    return inspectorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      nonce: makeNonce(),
      title: title(this.target),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (InspectorPanel.panels.get(this.key) === this) InspectorPanel.panels.delete(this.key);
    this.session.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.services.log.info(`Inspector ${this.key}: closed`);
  }
}

function title(t: ReleaseTarget): string {
  return `Inspector: ${t.release}`;
}

function webviewOptions(ext: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(ext.extensionUri, 'dist'), vscode.Uri.joinPath(ext.extensionUri, 'media')],
  };
}

/** The inspector's flow source settings (k8sSandbox.inspector.*). */
function flowSourceSettings(identity: () => Promise<WhoAmI>): NetworkSourceSettings {
  const c = vscode.workspace.getConfiguration('k8sSandbox.inspector');
  const preferred = c.get<string>('flowSource', 'auto');
  const tls = c.get<boolean>('relayTls.enabled', false);
  return {
    preferred: (['auto', 'relay', 'exec'] as const).includes(preferred as SourcePreference)
      ? (preferred as SourcePreference)
      : 'auto',
    ciliumNamespace: c.get<string>('ciliumNamespace', '').trim() || undefined,
    ...(tls
      ? {
          tls: {
            serverName: c.get<string>('relayTls.serverName', '') || 'instance.hubble-relay.cilium.io',
            caFile: c.get<string>('relayTls.caFile', '') || undefined,
            certFile: c.get<string>('relayTls.certFile', '') || undefined,
            keyFile: c.get<string>('relayTls.keyFile', '') || undefined,
          },
        }
      : {}),
    identity,
  };
}
