import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { riskLevels, riskTable } from '../../../src/core/timeouts/riskTable';
import {
  APP_TIMEOUT_ANNOTATION,
  DEADLINE_ANNOTATION,
  compareTimeouts,
  inspectPodTimeouts,
  timeoutValues,
} from '../../../src/core/timeouts/inspect';
import { setRiskLevel } from '../../../src/core/timeouts/valuesEdit';

const kinds = (fs: readonly { field: string; direction: string }[]) =>
  fs.map((f) => `${f.field}:${f.direction}`).sort();

describe('timeouts: comparison with the risk table', () => {
  for (const level of riskLevels) {
    const p = riskTable[level];
    describe(`${level} risk`, () => {
      it('the table values themselves raise nothing but the not-enforced deadline note', () => {
        const f = compareTimeouts({
          riskLevel: level,
          grace: p.grace.default,
          appTimeout: p.appTimeoutSeconds,
          deadline: p.deadlineSeconds,
        });
        assert.deepEqual(kinds(f), ['activeDeadline:not-enforced']);
        assert.equal(f[0].severity, 'info');
      });

      it('grace below the range: too short (cleanup and audit logs cut)', () => {
        const f = compareTimeouts({ riskLevel: level, grace: p.grace.min - 1 });
        const g = f.find((x) => x.field === 'grace');
        assert.equal(g?.direction, 'too-short');
        assert.match(
          g?.message ?? '',
          p.grace.min - 1 === 0 ? /no cleanup and no final audit logs/ : /cleanup and audit logs may be cut/,
        );
      });

      it('grace above the range: too long (wider window)', () => {
        const g = compareTimeouts({ riskLevel: level, grace: p.grace.max + 1 }).find((x) => x.field === 'grace');
        assert.equal(g?.direction, 'too-long');
        assert.match(g?.message ?? '', /wider window/);
      });

      it('app timeout and deadline above the table: too long (wider attack window)', () => {
        const f = compareTimeouts({
          riskLevel: level,
          grace: p.grace.default,
          appTimeout: p.appTimeoutSeconds + 60,
          deadline: p.deadlineSeconds + 600,
          activeDeadline: p.deadlineSeconds + 600,
        });
        assert.deepEqual(kinds(f), ['activeDeadline:too-long', 'appTimeout:too-long', 'deadline:too-long']);
        for (const x of f) assert.match(x.message, /attack window/);
      });

      it('no room between app timeout and deadline for the grace period: too short', () => {
        const deadline = p.appTimeoutSeconds + p.grace.max - 1;
        const f = compareTimeouts({
          riskLevel: level,
          grace: p.grace.max,
          appTimeout: p.appTimeoutSeconds,
          deadline,
          activeDeadline: deadline,
        });
        assert.deepEqual(kinds(f), ['deadline:too-short']);
        assert.match(f[0].message, /audit logs may be cut/);
      });
    });
  }

  it('grace 0 is an error whatever the level; app ≥ deadline is an error', () => {
    for (const level of riskLevels) assert.equal(compareTimeouts({ riskLevel: level, grace: 0 })[0].severity, 'error');
    const f = compareTimeouts({ riskLevel: 'high', appTimeout: 120, deadline: 120 });
    assert.equal(f.find((x) => x.field === 'appTimeout')?.severity, 'error');
  });

  it('activeDeadlineSeconds at or below the app timeout: too short', () => {
    const f = compareTimeouts({ riskLevel: 'medium', grace: 10, appTimeout: 180, deadline: 200, activeDeadline: 150 });
    assert.deepEqual(kinds(f), ['activeDeadline:too-short']);
  });

  it('exactly the critical range (1–2 s) passes; 3 s is too long for critical but fine for high', () => {
    assert.equal(compareTimeouts({ riskLevel: 'critical', grace: 1 }).length, 0);
    assert.equal(compareTimeouts({ riskLevel: 'critical', grace: 2 }).length, 0);
    assert.equal(compareTimeouts({ riskLevel: 'critical', grace: 3 })[0].direction, 'too-long');
    assert.equal(compareTimeouts({ riskLevel: 'high', grace: 3 }).length, 0);
  });
});

describe('timeouts: per pod from the pod spec, annotations and values', () => {
  const pod = (ann: Record<string, string>, spec: object = {}) => ({
    metadata: { name: 'r-default-0', annotations: ann },
    spec: {
      nodeName: 'n1',
      terminationGracePeriodSeconds: 5,
      containers: [
        { name: 'default' },
        { name: 'coredns', lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } } },
      ],
      ...spec,
    },
    status: { phase: 'Running' },
  });

  it('annotations win over values, values over the table', () => {
    const t = inspectPodTimeouts(pod({ [APP_TIMEOUT_ANNOTATION]: '90', [DEADLINE_ANNOTATION]: '120' }), {
      riskLevel: 'high',
      appTimeoutSeconds: 100,
    });
    assert.equal(t.riskLevel, 'high');
    assert.equal(t.riskSource, 'values');
    assert.deepEqual(t.appTimeout, { value: 90, source: 'annotation' });
    assert.deepEqual(t.deadline, { value: 120, source: 'annotation' });
    assert.deepEqual(t.grace, { value: 5, source: 'pod' });
    assert.deepEqual(t.containers, [
      { name: 'default', preStop: false },
      { name: 'coredns', preStop: true },
    ]);
    assert.deepEqual(kinds(t.findings), ['activeDeadline:not-enforced']);
    const fromValues = inspectPodTimeouts(pod({}), { riskLevel: 'high', appTimeoutSeconds: 100 });
    assert.deepEqual(fromValues.appTimeout, { value: 100, source: 'values' });
    assert.deepEqual(fromValues.deadline, { value: 120, source: 'risk table' });
    assert.deepEqual(kinds(fromValues.findings), ['activeDeadline:not-enforced', 'appTimeout:too-long']);
  });

  it('without values the chart default (medium) applies; grace 5 is too short for medium', () => {
    const t = inspectPodTimeouts(pod({}));
    assert.equal(t.riskLevel, 'medium');
    assert.ok(kinds(t.findings).includes('grace:too-short'));
  });

  it('a pod without terminationGracePeriodSeconds gets the API default 30 s', () => {
    const t = inspectPodTimeouts(pod({}, { terminationGracePeriodSeconds: undefined }), { riskLevel: 'low' });
    assert.deepEqual(t.grace, { value: 30, source: 'API default' });
    assert.equal(t.findings.filter((f) => f.field === 'grace').length, 0);
  });

  it('garbage annotations are ignored', () => {
    const t = inspectPodTimeouts(pod({ [APP_TIMEOUT_ANNOTATION]: 'soon' }), { riskLevel: 'nope' });
    assert.equal(t.riskLevel, 'medium');
    assert.equal(t.appTimeout.source, 'risk table');
  });

  it('timeoutValues reads the block from parsed values', () => {
    assert.deepEqual(timeoutValues(parse('timeouts:\n  riskLevel: low\n')), { riskLevel: 'low' });
    assert.deepEqual(timeoutValues(null), {});
    assert.deepEqual(timeoutValues({ timeouts: 3 }), {});
  });
});

describe('timeouts: setting the risk level in values.yaml', () => {
  it('replaces just the scalar, keeping comments', () => {
    const before = 'services: {}\ntimeouts:\n  riskLevel: medium # chosen by ops\n  appTimeoutSeconds: 100\n';
    const r = setRiskLevel(before, 'high');
    assert.deepEqual(r, { ok: true, changed: true, text: before.replace('medium', 'high') });
    assert.deepEqual(setRiskLevel(r.ok ? r.text : '', 'high'), {
      ok: true,
      changed: false,
      text: before.replace('medium', 'high'),
    });
  });

  it('adds the block or the key when missing', () => {
    assert.deepEqual(setRiskLevel('a: 1', 'low'), {
      ok: true,
      changed: true,
      text: 'a: 1\ntimeouts:\n  riskLevel: low\n',
    });
    const r = setRiskLevel('timeouts:\n  deadlineSeconds: 100\n', 'critical');
    assert.ok(r.ok);
    assert.deepEqual(parse(r.ok ? r.text : ''), { timeouts: { deadlineSeconds: 100, riskLevel: 'critical' } });
  });

  it('rejects bad input', () => {
    assert.equal(setRiskLevel('timeouts: 3\n', 'low').ok, false);
    assert.equal(setRiskLevel('a: [\n', 'low').ok, false);
    assert.equal(setRiskLevel('a: 1\n', 'extreme' as never).ok, false);
  });
});
