// Sandbox Inspector webview entry: builds the two tabs and applies validated host messages.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './styles.css';
import type { WebviewState } from '../src/protocol/inspector';
import { h } from './dom';
import { loadState, onHostMessage, post, saveState } from './host';
import { NetworkStore } from './networkStore';
import { NetworkView } from './networkView';
import { TimeoutsPanel } from './timeoutsView';

const state: WebviewState = loadState();
const store = new NetworkStore();
const persist = () => saveState({ ...state, filter: filterValue(), paused: store.isPaused });
const network = new NetworkView(store, persist);
const timeouts = new TimeoutsPanel();
const title = h('h1', {
  id: 'title',
  text: state.release ? `Sandbox Inspector: ${state.release}` : 'Sandbox Inspector',
});
const notice = h('div', { class: 'notice', id: 'notice', attrs: { role: 'alert' } });

function filterValue(): string {
  return (document.getElementById('filter') as (HTMLElement & { value?: string }) | null)?.value ?? state.filter;
}

const tabs = h(
  'vscode-tabs',
  { id: 'tabs', attrs: { 'selected-index': state.tab === 'timeouts' ? '1' : '0' } },
  h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'network' }, text: 'Network' }),
  h('vscode-tab-panel', {}, network.root),
  h('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': 'timeouts' }, text: 'Timeouts' }),
  h('vscode-tab-panel', {}, timeouts.root),
);
tabs.addEventListener('vsc-tabs-select', (e: Event) => {
  state.tab = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex === 1 ? 'timeouts' : 'network';
  persist();
  if (state.tab === 'network') network.render();
});

document.getElementById('app')?.append(title, notice, tabs);
network.restore(state.filter, state.paused);
timeouts.render(undefined);

onHostMessage((m) => {
  switch (m.type) {
    case 'init':
      state.namespace = m.namespace;
      state.release = m.release;
      title.textContent = `Sandbox Inspector: ${m.namespace}/${m.release}${m.context ? ` (${m.context})` : ''}`;
      persist();
      return;
    case 'network/snapshot':
    case 'network/update':
      store.receive(m);
      network.schedule();
      return;
    case 'network/status':
      store.status = m.status;
      network.schedule();
      return;
    case 'timeouts':
      timeouts.render(m.view);
      return;
    case 'notice':
      notice.textContent = m.text;
      notice.dataset.level = m.level;
      return;
  }
});

post({ type: 'ready' });
