// The webview's only channel to the extension host, and its persisted state.
import {
  parseHostMessage,
  webviewStateSchema,
  type HostMessage,
  type WebviewMessage,
  type WebviewState,
} from '../src/protocol/inspector';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

/** Calls `handler` for every valid host message; anything else is dropped and logged. */
export function onHostMessage(handler: (m: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parseHostMessage(event.data);
    if (!parsed.ok) {
      console.warn(`[inspector] dropped a malformed host message: ${parsed.error}`);
      return;
    }
    handler(parsed.message);
  });
}

export const DEFAULT_STATE: WebviewState = { tab: 'network', filter: '', paused: false };

export function loadState(): WebviewState {
  const s = api.getState();
  return webviewStateSchema.check(s, 'state') === undefined ? (s as WebviewState) : { ...DEFAULT_STATE };
}

export function saveState(s: WebviewState): void {
  api.setState(s);
}
