import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DROP_REASON_ROWS } from '../../../src/core/cilium/dropReasons';
import { allDropReasons, resolveDropReason } from '../../../src/core/cilium/reasons';
import { HUBBLE_DIR } from './fixtures';

describe('cilium: drop reason table', () => {
  const tsv = readFileSync(join(HUBBLE_DIR, 'drop-reasons.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));

  it('equals the shared tsv row for row (number, name, deprecated, text)', () => {
    assert.equal(DROP_REASON_ROWS.length, tsv.length);
    assert.deepEqual(
      DROP_REASON_ROWS.map((r) => [String(r[0]), r[1], r[2] ? 'yes' : '', r[3]]),
      tsv.map(([n, name, dep, text]) => [n, name, dep, text.trim()]),
    );
  });

  it('resolves every reason by number and by name', () => {
    for (const [n, name, , text] of tsv) {
      if (n === '0') continue;
      assert.deepEqual(
        [
          resolveDropReason(Number(n), undefined)?.name,
          resolveDropReason(undefined, name)?.num,
          resolveDropReason(undefined, name)?.text,
        ],
        [name, Number(n), text.trim()],
      );
    }
    assert.equal(allDropReasons().length, tsv.length);
  });

  it('names the reasons beyond POLICY_DENIED', () => {
    assert.equal(resolveDropReason(181, 'POLICY_DENY')?.text, 'Policy denied by denylist');
    assert.equal(resolveDropReason(205, undefined)?.name, 'DROP_PUNT_PROXY');
    assert.equal(resolveDropReason(158, undefined)?.text, 'Service backend not found');
  });

  it('keeps an unknown number or name from a newer agent instead of losing it', () => {
    assert.deepEqual(resolveDropReason(250, undefined), {
      num: 250,
      name: 'DROP_REASON_250',
      text: 'Unknown drop reason 250',
      deprecated: false,
    });
    assert.equal(resolveDropReason(undefined, 'SOME_NEW_REASON')?.name, 'SOME_NEW_REASON');
    assert.equal(resolveDropReason(undefined, undefined), undefined);
    assert.equal(resolveDropReason(0, undefined), undefined);
  });
});
