// The Timeouts tab: per pod and container, what is set and where it came from, compared with the risk table.
import type { PodTimeoutsView, RiskLevelName, TimeoutsView } from '../src/protocol/inspector';
import { clear, h } from './dom';
import { post } from './host';

const LEVELS: RiskLevelName[] = ['low', 'medium', 'high', 'critical'];

function seconds(v: { value?: number; source: string }): HTMLElement {
  return h(
    'span',
    {},
    v.value === undefined ? '—' : `${v.value} s`,
    h('small', { class: 'source', text: ` (${v.source})` }),
  );
}

export class TimeoutsPanel {
  readonly root = h('div', { class: 'timeouts', id: 'timeouts' });

  render(v: TimeoutsView | undefined): void {
    clear(this.root);
    if (!v) {
      this.root.append(h('p', { class: 'empty', text: 'Reading the pods of this release…' }));
      return;
    }
    const e = v.expected;
    const grace = e.graceMin === e.graceMax ? `${e.graceMin} s` : `${e.graceMin}–${e.graceMax} s`;
    this.root.append(
      h(
        'section',
        { class: 'risk' },
        h(
          'p',
          {},
          'Risk level ',
          h('strong', { id: 'risk-level', text: v.riskLevel }),
          ` (from ${v.riskSource}). Expected: app ${e.appTimeoutSeconds} s, deadline ${e.deadlineSeconds} s, grace ${grace}.`,
        ),
        h(
          'p',
          { class: 'meta' },
          `Values file: ${v.valuesFile ?? 'unknown'} `,
          h('vscode-button', {
            id: 'pick-values',
            attrs: { secondary: '' },
            text: 'Choose values file…',
            on: { click: () => post({ type: 'pickValuesFile' }) },
          }),
        ),
        this.levelPicker(v.riskLevel),
      ),
    );
    if (v.error) this.root.append(h('p', { class: 'warning', text: v.error }));
    if (v.pods.length === 0) {
      this.root.append(h('p', { class: 'empty', text: 'No pods in this release.' }));
      return;
    }
    const head = h(
      'tr',
      {},
      ...['Pod', 'Containers', 'Grace', 'activeDeadline', 'App timeout', 'Deadline', 'Findings', ''].map((t) =>
        h('th', { text: t }),
      ),
    );
    this.root.append(
      h('table', { class: 'pods' }, h('thead', {}, head), h('tbody', {}, ...v.pods.map((p) => this.podRow(p)))),
    );
  }

  private levelPicker(current: RiskLevelName): HTMLElement {
    const select = h(
      'vscode-single-select',
      { id: 'risk-select', attrs: { 'aria-label': 'New risk level' } },
      ...LEVELS.map((l) =>
        h('vscode-option', { text: l, attrs: l === current ? { value: l, selected: '' } : { value: l } }),
      ),
    ) as HTMLElement & { value: string };
    const level = (): RiskLevelName | undefined => LEVELS.find((l) => l === select.value);
    const send = (via: 'values' | 'helm') => {
      const l = level();
      if (l) post({ type: 'setRiskLevel', level: l, via });
    };
    return h(
      'div',
      { class: 'toolbar' },
      h('span', { text: 'Change to ' }),
      select,
      h('vscode-button', { id: 'risk-values', text: 'Write to values file…', on: { click: () => send('values') } }),
      h('vscode-button', {
        id: 'risk-helm',
        attrs: { secondary: '' },
        text: 'helm upgrade --reuse-values…',
        on: { click: () => send('helm') },
      }),
    );
  }

  private podRow(p: PodTimeoutsView): HTMLElement {
    const findings = p.findings.length
      ? h(
          'ul',
          { class: 'findings' },
          ...p.findings.map((f) =>
            h(
              'li',
              { class: `sev-${f.severity}`, attrs: { 'data-direction': f.direction } },
              h('strong', { text: `${f.direction.replace('-', ' ')}: ` }),
              f.message,
            ),
          ),
        )
      : h('span', { class: 'ok', text: 'as the risk table says' });
    return h(
      'tr',
      { attrs: { 'data-pod': p.pod } },
      h('td', {}, h('div', { text: p.pod }), h('small', { text: [p.phase, p.node].filter(Boolean).join(' · ') })),
      h('td', {}, ...p.containers.map((c) => h('div', { text: c.preStop ? `${c.name} (preStop hook)` : c.name }))),
      h('td', {}, seconds(p.grace)),
      h('td', {}, seconds(p.activeDeadline)),
      h('td', {}, seconds(p.appTimeout)),
      h('td', {}, seconds(p.deadline)),
      h('td', {}, findings),
      h(
        'td',
        {},
        h('vscode-button', {
          class: 'force-kill',
          attrs: { secondary: '', 'data-pod': p.pod },
          text: 'Force kill…',
          on: { click: () => post({ type: 'forceKill', pod: p.pod }) },
        }),
      ),
    );
  }
}
