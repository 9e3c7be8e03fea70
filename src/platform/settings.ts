// The one reader of the k8sSandbox.* settings (declared in package.json contributes.configuration).
import * as vscode from 'vscode';
import { DEFAULT_KEEPALIVE_SECONDS } from '../core/exec/startExec';

const SECTION = 'k8sSandbox';

export const settings = {
  helmPath: (): string => read<string>('helmPath', ''),
  kubeconfig: (): string => read<string>('kubeconfig', ''),
  namespace: (): string => read<string>('namespace', ''),
  chart: (): string => read<string>('chart', 'built-in'),
  /** WebSocket ping interval of terminals, Run Command and drop streams (0 = off). */
  keepaliveSeconds: (): number => {
    const v = read<number>('keepaliveSeconds', DEFAULT_KEEPALIVE_SECONDS);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_KEEPALIVE_SECONDS;
  },
  /** Unchecked: the caller validates the globs. */
  lintInclude: (): unknown => vscode.workspace.getConfiguration(SECTION).get<unknown>('lint.include'),
  /** True when the change touches one of `keys` (e.g. 'kubeconfig'). */
  affects: (e: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean =>
    keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`)),
};

function read<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration(SECTION).get<T>(key, fallback);
}
