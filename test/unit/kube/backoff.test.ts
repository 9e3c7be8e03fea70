import { strict as assert } from 'node:assert';
import { backoffDelay } from '../../../src/core/kube/backoff';
import { classifyApiError } from '../../../src/core/kube/errors';

describe('backoff', () => {
  const policy = { initialMs: 500, maxMs: 30_000, jitter: 0.2 };
  it('doubles from the initial delay up to the cap', () => {
    const mid = () => 0.5; // no jitter
    assert.deepEqual(
      [0, 1, 2, 3, 6, 7, 50].map((a) => backoffDelay(a, policy, mid)),
      [500, 1000, 2000, 4000, 30_000, 30_000, 30_000],
    );
  });
  it('jitters within ±20 % and never above the cap', () => {
    assert.equal(
      backoffDelay(0, policy, () => 0),
      400,
    );
    assert.equal(
      backoffDelay(0, policy, () => 0.999999),
      600,
    );
    assert.equal(
      backoffDelay(10, policy, () => 0.999999),
      30_000,
    );
    assert.equal(
      backoffDelay(10, policy, () => 0),
      24_000,
    );
  });
});

describe('API error classification', () => {
  it('reads status codes from ApiException, Watch errors and Status bodies', () => {
    assert.deepEqual(
      classifyApiError({ code: 403, body: { kind: 'Status', message: 'secrets is forbidden: User "r" cannot list' } }),
      {
        kind: 'forbidden',
        status: 403,
        message: 'secrets is forbidden: User "r" cannot list',
      },
    );
    assert.equal(classifyApiError({ code: 401, body: '{"message":"Unauthorized"}' }).message, 'Unauthorized');
    assert.equal(classifyApiError({ statusCode: 401 }).kind, 'unauthorized');
    assert.equal(classifyApiError({ statusCode: 410 }).kind, 'gone');
    assert.equal(classifyApiError({ statusCode: 503 }).kind, 'server');
    assert.equal(classifyApiError({ statusCode: 400 }).kind, 'badRequest');
  });
  it('treats network errors as unreachable', () => {
    const e = Object.assign(new Error('request to https://127.0.0.1:1/api failed, reason: connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      type: 'system',
    });
    assert.deepEqual(classifyApiError(e), { kind: 'unreachable', message: e.message });
    assert.equal(
      classifyApiError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).message,
      'socket hang up (ECONNRESET)',
    );
  });
});
