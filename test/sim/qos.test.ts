// status.qosClass as the sim's admission sets it on create (defaulting, then the shared ComputePodQOS rules of
// src/core/kube/qos.ts).
import assert from 'node:assert/strict';
import { Admission } from './admission';
import { resources } from './resources';
import { ApiError, Store } from './store';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are loosely typed JSON */

const admission = new Admission(new Store());
const qos = (spec: any): string => {
  const pod: any = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: structuredClone(spec) };
  admission.onCreate(resources.pods, pod);
  return pod.status.qosClass;
};
const c = (resources?: any, name = 'c'): any => ({ name, image: 'x:1', ...(resources ? { resources } : {}) });

describe('sim: QoS class', () => {
  it('rejects a malformed quantity as a bad request', () => {
    assert.throws(
      () => qos({ containers: [c({ limits: { cpu: '12 cores' } })] }),
      (e: ApiError) => e.code === 400,
    );
  });

  it('equal amounts written differently count as equal', () => {
    assert.equal(
      qos({ containers: [c({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } })] }),
      'Guaranteed',
    );
  });

  it('BestEffort without any cpu/memory request or limit (other resources do not count)', () => {
    assert.equal(qos({ containers: [c(), c({ limits: { 'nvidia.com/gpu': '1' } }, 'g')] }), 'BestEffort');
  });

  it('Guaranteed when limits alone are set: requests default from limits', () => {
    assert.equal(qos({ containers: [c({ limits: { cpu: '100m', memory: '128Mi' } })] }), 'Guaranteed');
  });

  it('Guaranteed needs equal requests and limits for cpu and memory in every container', () => {
    assert.equal(
      qos({
        containers: [c({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } })],
      }),
      'Guaranteed',
    );
    assert.equal(
      qos({ containers: [c({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } })] }),
      'Burstable',
    );
    assert.equal(qos({ containers: [c({ limits: { memory: '128Mi' } })] }), 'Burstable');
    assert.equal(qos({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } }), c(undefined, 'd')] }), 'Burstable');
  });

  it('init containers count', () => {
    const main = c({ limits: { cpu: '1', memory: '1Gi' } });
    assert.equal(
      qos({ containers: [main], initContainers: [c({ limits: { cpu: '1', memory: '1Gi' } }, 'i')] }),
      'Guaranteed',
    );
    assert.equal(qos({ containers: [main], initContainers: [c({ requests: { cpu: '1' } }, 'i')] }), 'Burstable');
  });

  it('pod-level resources take precedence', () => {
    assert.equal(
      qos({
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        containers: [c()],
      }),
      'Guaranteed',
    );
  });
});
