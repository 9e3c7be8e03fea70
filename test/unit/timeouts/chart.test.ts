// The chart's rendered pods read by the inspector's timeouts check (real helm, the real chart): the annotation
// keys and grace periods the chart writes are the ones the inspector reads, for every risk level.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../../support/tools';
import { inspectPodTimeouts, type TimeoutPodLike } from '../../../src/core/timeouts/inspect';
import { riskLevels, riskTable } from '../../../src/core/timeouts/riskTable';

const CHART = join(__dirname, '../../../chart');

function renderedPods(sets: string[]): TimeoutPodLike[] {
  const out = execFileSync(helmBinary('3.18.0'), ['template', 'r1', CHART, ...sets.map((s) => `--set=${s}`)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as { kind?: string; spec?: { template?: TimeoutPodLike } })
    .filter((o) => o?.kind === 'StatefulSet')
    .map((o) => o.spec?.template as TimeoutPodLike);
}

describe('timeouts: the chart renders what the inspector reads', function () {
  this.timeout(30_000);

  for (const level of riskLevels) {
    it(`${level}: annotations and grace from the chart match the risk table, no findings but the deadline note`, () => {
      const [pod] = renderedPods([`timeouts.riskLevel=${level}`]);
      const t = inspectPodTimeouts(pod);
      const p = riskTable[level];
      assert.equal(t.riskLevel, level);
      assert.equal(t.riskSource, 'annotation');
      assert.deepEqual(t.appTimeout, { value: p.appTimeoutSeconds, source: 'annotation' });
      assert.deepEqual(t.deadline, { value: p.deadlineSeconds, source: 'annotation' });
      assert.deepEqual(t.grace, { value: p.grace.default, source: 'pod' });
      assert.deepEqual(
        t.findings.map((f) => f.direction),
        ['not-enforced'],
      );
    });
  }

  it('a service grace override of 0 and a long app timeout and deadline are flagged', () => {
    const [pod] = renderedPods([
      'timeouts.riskLevel=high',
      'timeouts.appTimeoutSeconds=600',
      'timeouts.deadlineSeconds=900',
      'services.default.terminationGracePeriodSeconds=0',
    ]);
    const t = inspectPodTimeouts(pod);
    assert.deepEqual(t.findings.map((f) => `${f.field}:${f.direction}:${f.severity}`).sort(), [
      'activeDeadline:not-enforced:info',
      'appTimeout:too-long:warning',
      'deadline:too-long:warning',
      'grace:too-short:error',
    ]);
  });
});
