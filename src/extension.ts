// Composition root: builds the services and registers each feature. No logic here.
import * as vscode from 'vscode';
import { createLog } from './platform/log';
import { createServices } from './services';
import { registerSandboxTree } from './features/sandboxTree';
import { registerCluster } from './features/cluster';
import { registerCommands } from './features/commands';
import { registerInspector } from './features/inspector';
import { registerValuesLint } from './features/valuesLint';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  const services = createServices(log, context.globalState);
  context.subscriptions.push(log, services);
  registerSandboxTree(context, services);
  registerCluster(context, services);
  registerCommands(context, services);
  registerInspector(context, services);
  registerValuesLint(context, { warn: (m) => log.warn(m) });
}

export function deactivate(): void {}
