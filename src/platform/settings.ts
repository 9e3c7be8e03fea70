// Settings read by more than one feature.
import * as vscode from 'vscode';
import { DEFAULT_KEEPALIVE_SECONDS } from '../core/exec/session';

/** k8sSandbox.keepaliveSeconds: WebSocket ping interval of terminals, Run Command and drop streams (0 = off). */
export function keepaliveSeconds(): number {
  const v = vscode.workspace.getConfiguration('k8sSandbox').get<number>('keepaliveSeconds', DEFAULT_KEEPALIVE_SECONDS);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_KEEPALIVE_SECONDS;
}
