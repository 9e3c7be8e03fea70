// The values file a release was installed from: kept per context/namespace/release, forgotten on tear down,
// and never handed out once the file is gone.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValuesFileRecords } from '../../../src/valuesFiles';
import { MemoryState } from '../../support/memoryState';

describe('values-file records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-sandbox-values-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, 'services: {}\n');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps one file per context, namespace and release', async () => {
    const state = new MemoryState();
    const records = new ValuesFileRecords(state);
    await records.set({ context: 'prod', namespace: 'evals', release: 'r1' }, file);
    assert.equal(records.get({ context: 'prod', namespace: 'evals', release: 'r1' }), file);
    assert.equal(records.get({ context: 'dev', namespace: 'evals', release: 'r1' }), undefined, 'another cluster');
    assert.equal(records.get({ context: 'prod', namespace: 'other', release: 'r1' }), undefined, 'another namespace');
    // Names cannot collide through the separator: "a/b" + "c" is not "a" + "b/c".
    await records.set({ context: 'a/b', namespace: 'c', release: 'r' }, file);
    assert.equal(records.get({ context: 'a', namespace: 'b/c', release: 'r' }), undefined);
    await records.delete({ context: 'prod', namespace: 'evals', release: 'r1' });
    assert.equal(records.get({ context: 'prod', namespace: 'evals', release: 'r1' }), undefined);
    assert.equal(state.data.size, 1, 'delete removes the key');
  });

  it('tells listeners after each change, until disposed', async () => {
    const records = new ValuesFileRecords(new MemoryState());
    let calls = 0;
    const sub = records.onDidChange(() => calls++);
    await records.set({ context: 'c', namespace: 'n', release: 'r' }, file);
    await records.delete({ context: 'c', namespace: 'n', release: 'r' });
    sub.dispose();
    await records.set({ context: 'c', namespace: 'n', release: 'r' }, file);
    assert.equal(calls, 2);
  });

  it('does not hand out a file that no longer exists', async () => {
    const gone = join(dir, 'gone.yaml');
    writeFileSync(gone, 'x: 1\n');
    const records = new ValuesFileRecords(new MemoryState());
    await records.set({ context: 'c', namespace: 'n', release: 'r' }, gone);
    assert.equal(records.get({ context: 'c', namespace: 'n', release: 'r' }), gone);
    rmSync(gone);
    assert.equal(records.get({ context: 'c', namespace: 'n', release: 'r' }), undefined);
  });
});
