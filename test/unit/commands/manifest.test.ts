import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandIds, commandTitles } from '../../../src/platform/commandIds';

interface Contributed {
  command: string;
  title: string;
  category?: string;
}
interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: Contributed[]; menus: Record<string, MenuEntry[]> };
};

describe('command table vs package.json', () => {
  const contributed = new Map(pkg.contributes.commands.map((c) => [c.command, c]));

  it('every command of the table is contributed with the same title, in category "K8s Sandbox"', () => {
    for (const id of commandIds) {
      const c = contributed.get(id);
      assert.ok(c, `${id} missing from contributes.commands`);
      assert.equal(c.title, commandTitles[id]);
      assert.equal(c.category, 'K8s Sandbox');
    }
  });

  it('menus name only contributed commands; tree items match on the agreed contextValues', () => {
    for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
      for (const e of entries) {
        assert.ok(contributed.has(e.command), `${menu}: unknown command ${e.command}`);
        if (menu === 'view/item/context' && commandIds.includes(e.command as never)) {
          assert.match(
            e.when ?? '',
            /^view == k8sSandbox\.sandboxes && viewItem == (release|pod|container)$/,
            `${e.command}: ${e.when}`,
          );
        }
      }
    }
  });

  it('pods and containers get Open Terminal inline; releases get Tear Down inline; YAML files get Install Sandbox in the explorer', () => {
    const item = pkg.contributes.menus['view/item/context'] ?? [];
    const inline = (cmd: string, kind: string) =>
      item.some((e) => e.command === cmd && e.group?.startsWith('inline') && e.when?.endsWith(`viewItem == ${kind}`));
    assert.ok(inline('k8sSandbox.openTerminal', 'pod'));
    assert.ok(inline('k8sSandbox.openTerminal', 'container'));
    assert.ok(inline('k8sSandbox.tearDown', 'release'));
    const explorer = pkg.contributes.menus['explorer/context'] ?? [];
    const install = explorer.find((e) => e.command === 'k8sSandbox.installSandbox');
    assert.match(install?.when ?? '', /resourceExtname =~ .*ya\?ml/);
  });
});
