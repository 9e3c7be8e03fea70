import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterCommandIds, clusterCommandTitles } from '../../../src/platform/commandIds';
import { statusText } from '../../../src/features/cluster/statusText';

describe('cluster feature', () => {
  it('contributes every cluster command with its title, in the K8s Sandbox category', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: {
        commands: Array<{ command: string; title: string; category?: string }>;
        menus: Record<string, Array<{ command: string; when?: string }>>;
        viewsWelcome?: Array<{ view: string }>;
      };
    };
    for (const id of clusterCommandIds) {
      const c = pkg.contributes.commands.find((x) => x.command === id);
      assert.ok(c, `${id} in package.json`);
      assert.equal(c.title, clusterCommandTitles[id]);
      assert.equal(c.category, 'K8s Sandbox');
    }
    const title = pkg.contributes.menus['view/title'] ?? [];
    assert.ok(title.some((m) => m.command === 'k8sSandbox.refresh' && m.when === 'view == k8sSandbox.sandboxes'));
    assert.ok(pkg.contributes.viewsWelcome?.some((v) => v.view === 'k8sSandbox.sandboxes'));
  });

  it('status text shows context / namespace and flags trouble', () => {
    assert.deepEqual(statusText({ phase: 'ready', context: 'prod', namespace: 'team' }), {
      text: '$(server-environment) prod / team',
      tooltip: 'Context: prod\nNamespace: team\nClick to select a context.',
      warning: false,
    });
    const down = statusText({ phase: 'unreachable', context: 'prod', namespace: 'team', message: 'ECONNREFUSED' });
    assert.equal(down.text, '$(debug-disconnect) prod / team');
    assert.ok(down.warning);
    assert.match(down.tooltip, /unreachable — ECONNREFUSED/);
    const fb = statusText({
      phase: 'ready',
      context: 'c',
      namespace: 'n',
      fallback: { namespace: 'n', message: 'forbidden' },
    });
    assert.match(fb.tooltip, /cluster-wide listing forbidden/);
    const arn = 'arn:aws:sts::111122223333:assumed-role/EvalsEngineer/alice';
    const me = statusText(
      { phase: 'ready', context: 'evals', namespace: 'n' },
      { known: true, identity: { username: arn, groups: [], creator: 'x' } },
    );
    assert.equal(me.text, '$(server-environment) evals / n · alice');
    assert.match(me.tooltip, new RegExp(`You: ${arn.replace(/[/.]/g, '\\$&')}`));
    const unknown = statusText(
      { phase: 'ready', context: 'evals', namespace: 'n' },
      { known: false, reason: 'the API server refused SelfSubjectReview (403 Forbidden)' },
    );
    assert.equal(unknown.text, '$(server-environment) evals / n · ?');
    assert.match(unknown.tooltip, /You: identity unknown \(the API server refused/);
    const none = statusText({ phase: 'noConfig', message: 'No kubeconfig found at /x' });
    assert.ok(none.warning);
    assert.match(none.tooltip, /\/x/);
  });
});
