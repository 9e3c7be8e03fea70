// The tree's top level from the connection state and the releases: state items (loading, empty, unreachable,
// forbidden, namespace fallback) with an action each, and grouping by namespace when there are several.
import type { ConnectionState } from '../kube/watchHub';
import type { ReleaseVM } from './viewModels';
import type { MessageNode } from './nodes';

export function stateMessages(state: ConnectionState, releases: readonly ReleaseVM[]): MessageNode[] {
  const ctx = state.context ? ` (context ${state.context})` : '';
  const out: MessageNode[] = [];
  switch (state.phase) {
    case 'noConfig': {
      const pick = state.configReason === 'unknownContext' || state.configReason === 'noContext';
      out.push({
        kind: 'message',
        id: 'noConfig',
        severity: 'error',
        message: state.message ?? 'No usable kubeconfig.',
        action: pick ? 'selectContext' : 'retry',
      });
      return out;
    }
    case 'idle':
    case 'loading':
      out.push({ kind: 'message', id: 'loading', severity: 'loading', message: `Loading sandboxes${ctx}…` });
      return out;
    case 'unreachable':
      out.push({
        kind: 'message',
        id: 'unreachable',
        severity: 'error',
        message: `Cannot reach the cluster${ctx}.`,
        detail: state.message,
        action: 'retry',
      });
      break;
    case 'unauthorized':
      out.push({
        kind: 'message',
        id: 'unauthorized',
        severity: 'error',
        message: `The cluster rejected the credentials${ctx}: sign in again (refresh the token or cloud login), then Retry.`,
        detail: state.message,
        action: 'retry',
      });
      break;
    case 'forbidden':
      out.push({
        kind: 'message',
        id: 'forbidden',
        severity: 'warning',
        message: `No permission to list sandboxes in namespace ${state.namespace ?? 'default'}. Select a namespace you can read.`,
        detail: state.message,
        action: 'selectNamespace',
      });
      break;
    case 'ready':
      break;
  }
  if (state.fallback && state.phase !== 'forbidden') {
    out.push({
      kind: 'message',
      id: 'fallback',
      severity: 'info',
      message: `Showing namespace ${state.fallback.namespace} only: listing across namespaces is forbidden.`,
      detail: state.fallback.message,
      action: 'selectNamespace',
    });
  }
  if (state.phase === 'ready' && releases.length === 0) {
    const where = state.fallback ? `namespace ${state.fallback.namespace}` : 'any namespace';
    out.push({
      kind: 'message',
      id: 'empty',
      severity: 'info',
      message: `No sandboxes in ${where}. Install one from a values file.`,
      action: 'installSandbox',
    });
  }
  return out;
}

/** Namespaces to group by, or undefined when all releases share one namespace. */
export function groupingNamespaces(releases: readonly ReleaseVM[]): string[] | undefined {
  const ns = [...new Set(releases.map((r) => r.namespace))].sort();
  return ns.length > 1 ? ns : undefined;
}
