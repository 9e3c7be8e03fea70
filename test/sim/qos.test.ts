// QoS classes after API defaulting, as the sim's admission computes them (the rules of ComputePodQOS).
import assert from 'node:assert/strict';
import { podSpecDefaults } from './admission';
import { computeQosClass, parseQuantity } from './qos';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are loosely typed JSON */

const qos = (spec: any): string => {
  const s = structuredClone(spec);
  podSpecDefaults(s);
  return computeQosClass(s);
};
const c = (resources?: any, name = 'c'): any => ({ name, image: 'x:1', ...(resources ? { resources } : {}) });

describe('sim: QoS class', () => {
  it('parses quantities', () => {
    assert.equal(parseQuantity('100m'), 0.1);
    assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('1.5'), 1.5);
    assert.ok(Number.isNaN(parseQuantity('12 cores')));
  });

  it('BestEffort without any cpu/memory request or limit (other resources do not count)', () => {
    assert.equal(qos({ containers: [c(), c({ limits: { 'nvidia.com/gpu': '1' } }, 'g')] }), 'BestEffort');
  });

  it('Guaranteed when limits alone are set: requests default from limits', () => {
    assert.equal(qos({ containers: [c({ limits: { cpu: '100m', memory: '128Mi' } })] }), 'Guaranteed');
  });

  it('Guaranteed needs equal requests and limits for cpu and memory in every container', () => {
    assert.equal(qos({ containers: [c({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } })] }), 'Guaranteed');
    assert.equal(qos({ containers: [c({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } })] }), 'Burstable');
    assert.equal(qos({ containers: [c({ limits: { memory: '128Mi' } })] }), 'Burstable');
    assert.equal(qos({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } }), c(undefined, 'd')] }), 'Burstable');
  });

  it('init containers count', () => {
    const main = c({ limits: { cpu: '1', memory: '1Gi' } });
    assert.equal(qos({ containers: [main], initContainers: [c({ limits: { cpu: '1', memory: '1Gi' } }, 'i')] }), 'Guaranteed');
    assert.equal(qos({ containers: [main], initContainers: [c({ requests: { cpu: '1' } }, 'i')] }), 'Burstable');
  });

  it('pod-level resources take precedence', () => {
    assert.equal(computeQosClass({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, containers: [c()] }), 'Guaranteed');
  });
});
