import { strict as assert } from 'node:assert';
import { computePodQos, defaultedResources, parseQuantity, type ContainerLike } from '../../../src/core/kube/qos';

const c = (limits?: Record<string, string | number>, requests?: Record<string, string | number>): ContainerLike => ({
  resources: { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) },
});

describe('kube: parseQuantity', () => {
  it('reads the same amount written in different ways as equal', () => {
    assert.equal(parseQuantity('1'), parseQuantity('1000m'));
    assert.equal(parseQuantity(1), parseQuantity('1'));
    assert.equal(parseQuantity(0.5), parseQuantity('500m'));
    assert.equal(parseQuantity('1e3'), parseQuantity('1k'));
    assert.equal(parseQuantity('1Ki'), parseQuantity('1024'));
    assert.equal(parseQuantity('2Gi'), parseQuantity(String(2 * 1024 ** 3)));
    assert.equal(parseQuantity('1.5Gi'), parseQuantity('1536Mi'));
    assert.equal(parseQuantity('.5'), parseQuantity('0.5'));
  });
  it('keeps decimal and binary suffixes apart, and milli apart from mega', () => {
    assert.notEqual(parseQuantity('1G'), parseQuantity('1Gi'));
    assert.equal(parseQuantity('1m') * 1_000_000_000n, parseQuantity('1M'));
    assert.equal(parseQuantity('1E'), 10n ** 27n); // exa, not an exponent
    assert.equal(parseQuantity('1n'), 1n);
  });
  it('rounds finer than nano up, as Kubernetes does', () => {
    assert.equal(parseQuantity('0.0000000001'), 1n);
  });
  it('handles signs and zero', () => {
    assert.equal(parseQuantity('-1'), -parseQuantity('1'));
    assert.equal(parseQuantity('0'), 0n);
  });
  it('rejects malformed quantities', () => {
    for (const bad of ['', 'abc', '1 Gi', '1gi', '1e', '1.2.3', 'Mi', '--1', '1KiB']) {
      assert.throws(() => parseQuantity(bad), /invalid quantity/, bad);
    }
    assert.throws(() => parseQuantity(Number.NaN), /invalid quantity/);
  });
});

describe('kube: computePodQos', () => {
  it('BestEffort without any requests or limits', () => {
    assert.equal(computePodQos({ containers: [{}, { resources: {} }] }), 'BestEffort');
    assert.equal(computePodQos({ containers: [c({ cpu: 0 }, { memory: '0' })] }), 'BestEffort');
  });
  it('Guaranteed when every container has equal cpu and memory requests and limits', () => {
    assert.equal(
      computePodQos({
        containers: [
          c({ cpu: '100m', memory: '128Mi' }, { cpu: '100m', memory: '128Mi' }),
          c({ cpu: 1, memory: '1Gi' }, { cpu: '1000m', memory: '1024Mi' }),
        ],
      }),
      'Guaranteed',
    );
  });
  it('Guaranteed with limits only: requests default to the limits', () => {
    assert.equal(computePodQos({ containers: [c({ cpu: '1', memory: '1Gi' })] }), 'Guaranteed');
    assert.deepEqual(defaultedResources({ limits: { cpu: '1' }, requests: { memory: '1Gi' } }), {
      limits: { cpu: '1' },
      requests: { memory: '1Gi', cpu: '1' },
    });
  });
  it('Burstable when memory alone is set (fixture 04 style)', () => {
    assert.equal(computePodQos({ containers: [c({ memory: '2Gi' }, { memory: '2Gi' })] }), 'Burstable');
  });
  it('Burstable when requests are below limits', () => {
    assert.equal(
      computePodQos({ containers: [c({ cpu: 1, memory: '2Gi' }, { cpu: 0.5, memory: '1Gi' })] }),
      'Burstable',
    );
  });
  it('Burstable when one container (a sidecar) lacks limits', () => {
    assert.equal(
      computePodQos({ containers: [c({ cpu: 1, memory: '1Gi' }), c(undefined, { cpu: '50m' })] }),
      'Burstable',
    );
  });
  it('counts init containers', () => {
    const main = c({ cpu: 1, memory: '1Gi' });
    assert.equal(computePodQos({ containers: [main], initContainers: [c({ cpu: 1, memory: '1Gi' })] }), 'Guaranteed');
    assert.equal(computePodQos({ containers: [main], initContainers: [c(undefined, { cpu: '10m' })] }), 'Burstable');
    assert.equal(computePodQos({ containers: [{}], initContainers: [c(undefined, { cpu: '10m' })] }), 'Burstable');
  });
  it('ignores resources other than cpu and memory', () => {
    assert.equal(
      computePodQos({
        containers: [
          c(
            { cpu: 1, memory: '1Gi', 'ephemeral-storage': '1Gi' },
            { cpu: 1, memory: '1Gi', 'ephemeral-storage': '1Mi' },
          ),
        ],
      }),
      'Guaranteed',
    );
    assert.equal(computePodQos({ containers: [c({ 'nvidia.com/gpu': 1 })] }), 'BestEffort');
  });
  it('uses pod-level resources when they are set', () => {
    const unbounded = { containers: [c(undefined, { cpu: '10m' })] };
    assert.equal(computePodQos({ ...unbounded, resources: { limits: { cpu: 2, memory: '4Gi' } } }), 'Guaranteed');
    assert.equal(computePodQos({ ...unbounded, resources: { limits: { memory: '4Gi' } } }), 'Burstable');
  });
  it('throws on a malformed quantity instead of guessing', () => {
    assert.throws(() => computePodQos({ containers: [c({ cpu: 'lots', memory: '1Gi' })] }), /invalid quantity/);
  });
});
