// Status-bar text for the cluster (VS Code-free): context/namespace, who the server says you are, and the
// connection state.
import { describeWhoAmI, shortUserName, type WhoAmI } from '../../core/kube/identity';
import type { ConnectionState } from '../../core/kube/watchHub';

export interface StatusText {
  text: string;
  tooltip: string;
  warning: boolean;
}

const ICON: Partial<Record<ConnectionState['phase'], string>> = {
  loading: '$(sync~spin)',
  unreachable: '$(debug-disconnect)',
  unauthorized: '$(lock)',
  forbidden: '$(lock)',
};

export function statusText(state: ConnectionState, who?: WhoAmI): StatusText {
  if (state.phase === 'noConfig') {
    return {
      text: '$(warning) K8s: no kubeconfig',
      tooltip: `${state.message ?? 'No usable kubeconfig.'}\nClick to select a context.`,
      warning: true,
    };
  }
  const ns = state.fallback?.namespace ?? state.namespace ?? 'default';
  const icon = ICON[state.phase] ?? '$(server-environment)';
  const lines = [
    `Context: ${state.context ?? '?'}`,
    `Namespace: ${ns}${state.fallback ? ' (cluster-wide listing forbidden)' : ''}`,
  ];
  if (who) lines.push(`You: ${describeWhoAmI(who)}`);
  if (state.phase !== 'ready' && state.phase !== 'idle')
    lines.push(`State: ${state.phase}${state.message ? ` — ${state.message}` : ''}`);
  lines.push('Click to select a context.');
  const me = who ? ` · ${who.known ? shortUserName(who.identity.username) : '?'}` : '';
  return {
    text: `${icon} ${state.context ?? '?'} / ${ns}${me}`,
    tooltip: lines.join('\n'),
    warning: ['unreachable', 'unauthorized', 'forbidden'].includes(state.phase),
  };
}
