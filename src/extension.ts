// Composition root: builds the services and registers each feature. No logic here.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Features are registered here as they land.
}

export function deactivate(): void {}
