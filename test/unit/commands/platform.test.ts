import assert from 'node:assert/strict';
import { redact } from '../../../src/platform/redact';
import { errorView } from '../../../src/platform/errorText';
import { SandboxError, cancelled } from '../../../src/core/errors';
import { KubeconfigError } from '../../../src/core/kube/errors';

describe('log redaction', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXBhcnQ';
  const cases: Array<[string, string]> = [
    [`Authorization: Bearer abc.def-123`, 'abc.def-123'],
    [`token: ${jwt}`, jwt],
    [`"token":"s3cr3t-value"`, 's3cr3t-value'],
    [`client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=`, 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo='],
    [`--token=abcdef0123`, 'abcdef0123'],
    [`password=hunter2`, 'hunter2'],
    [`https://user:pa55@registry.example.com/v2`, 'pa55'],
    [`-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----`, 'MIIEow'],
    [`a line with ${jwt} inside`, jwt],
  ];
  for (const [input, secret] of cases) {
    it(`hides the secret in ${JSON.stringify(input.slice(0, 30))}`, () => {
      const out = redact(input);
      assert.ok(!out.includes(secret), out);
    });
  }

  it('leaves ordinary helm and API output alone', () => {
    for (const line of [
      'Release "r1" has been upgraded. Happy Helming!',
      'beginning wait for 5 resources with timeout of 1m0s',
      'Pod r1-default-0: CrashLoopBackOff',
    ]) {
      assert.equal(redact(line), line);
    }
  });
});

describe('error gate text', () => {
  it('is silent on cancellation', () => {
    assert.equal(errorView(cancelled(), 'Install Sandbox').silent, true);
    assert.equal(errorView(Object.assign(new Error('x'), { name: 'AbortError' }), 'Install Sandbox').silent, true);
  });

  it('one message with the hint; helm missing offers install and settings', () => {
    const v = errorView(
      new SandboxError('HelmNotFound', 'helm was not found on PATH', { hint: 'Install Helm 3.13+ or 4.' }),
      'Install Sandbox',
    );
    assert.equal(v.silent, false);
    assert.equal(v.message, 'Install Sandbox: helm was not found on PATH Install Helm 3.13+ or 4.');
    assert.deepEqual(v.actions, ['installHelm', 'openSettings', 'showLog']);
  });

  it('kubeconfig problems offer Select Context', () => {
    const v = errorView(new KubeconfigError('notFound', 'No kubeconfig at /x', ['/x']), 'Open Terminal');
    assert.deepEqual(v.actions, ['selectContext', 'openSettings', 'showLog']);
  });
});
