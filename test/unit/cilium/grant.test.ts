// The grant commands of the Inspector's "no access" state bind the caller as the API server knows them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bindingSubject, grantCommands, USER_PLACEHOLDER } from '../../../src/core/cilium/source';
import { creatorIdOf, type WhoAmI } from '../../../src/core/kube/identity';

const known = (username: string): WhoAmI => ({
  known: true,
  identity: { username, groups: ['system:authenticated'], creator: creatorIdOf(username) },
});
const RULE = [{ verb: 'create', resource: 'pods/portforward', name: 'k8s-sandbox-hubble-relay' }];

describe('cilium: grant commands name the caller', () => {
  it('a user by the name the server authenticated; a service account as --serviceaccount=ns:name', () => {
    assert.deepEqual(bindingSubject(known('alice@example.com')), { flag: '--user=alice@example.com' });
    assert.deepEqual(bindingSubject(known('system:serviceaccount:evals:runner')), {
      flag: '--serviceaccount=evals:runner',
    });
    assert.equal(
      grantCommands('kube-system', known('system:serviceaccount:evals:runner'), RULE),
      'kubectl create role k8s-sandbox-hubble-relay --namespace kube-system --verb=create --resource=pods/portforward && ' +
        'kubectl create rolebinding k8s-sandbox-hubble-relay --namespace kube-system --role=k8s-sandbox-hubble-relay --serviceaccount=evals:runner',
    );
  });

  it('a name the shell would split is quoted so that sh reads it back unchanged', () => {
    const name = "CN=Jane O'Brien,OU=evals";
    const { flag } = bindingSubject(known(name));
    assert.equal(execFileSync('sh', ['-c', `printf %s ${flag}`]).toString(), `--user=${name}`);
  });

  it('unknown identity: a marked placeholder and a comment saying why', () => {
    const g = grantCommands(
      'kube-system',
      { known: false, reason: 'SelfSubjectReview (v1) returned no user name' },
      RULE,
    );
    const [note, cmd] = g.split('\n');
    assert.match(note, /^# Your identity is unknown \(SelfSubjectReview \(v1\) returned no user name\): replace/);
    assert.match(cmd, new RegExp(`--user=${USER_PLACEHOLDER}$`));
    assert.match(grantCommands('ns', undefined, RULE), /^# Your identity is unknown \(the API server was not asked/);
  });
});
