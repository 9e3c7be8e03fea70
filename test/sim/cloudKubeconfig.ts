// Kubeconfigs shaped like the ones `aws eks update-kubeconfig` and `gcloud container clusters get-credentials`
// write: the user is named after the cluster (so a whole team shares one user name) and an exec credential plugin
// gets each person's token. Here the plugin is a tiny sh script that prints an ExecCredential with the token of
// the person whose credentials file it is pointed at (as the real plugins read ~/.aws or gcloud's config).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { User } from './auth';
import type { SimCluster } from './cluster';

export type CloudShape = 'eks' | 'gke';

export const CLOUD_USER_NAMES: Record<CloudShape, string> = {
  eks: 'arn:aws:eks:us-west-2:111122223333:cluster/evals',
  gke: 'gke_evals-project_us-central1_evals',
};

/** How each cloud's API server names a person (what SelfSubjectReview returns). */
export function cloudUser(shape: CloudShape, person: string): User {
  if (shape === 'gke')
    return {
      name: `${person}@example.com`,
      groups: ['system:authenticated'],
      extra: { 'iam.gke.io/user-assertion': ['x'] },
    };
  const arn = `arn:aws:sts::111122223333:assumed-role/EvalsEngineer/${person}`;
  return {
    name: arn,
    uid: `aws-iam-authenticator:111122223333:AROAEXAMPLE${person.toUpperCase()}`,
    groups: ['system:authenticated'],
    extra: {
      arn: [arn],
      canonicalArn: ['arn:aws:iam::111122223333:role/EvalsEngineer'],
      sessionName: [person],
      principalId: [`AROAEXAMPLE${person.toUpperCase()}`],
    },
  };
}

// No expirationTimestamp: client-node caches exec credentials per kubeconfig user name for the whole process,
// which would hand one person's token to the other in a test that runs both in one process.
const PLUGIN = `#!/bin/sh
# Fake credential plugin: prints the token stored in $SIM_CREDENTIALS (never on stderr).
token=$(cat "$SIM_CREDENTIALS") || exit 1
printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"token":"%s"}}\\n' "$token"
`;

/**
 * Registers `person` with the cluster and writes their kubeconfig in `dir`: same cluster, context and user names
 * for every person of a shape; only the credentials file the plugin reads differs. Returns the kubeconfig path.
 */
export function writeCloudKubeconfig(
  c: SimCluster,
  dir: string,
  shape: CloudShape,
  person: string,
  o: { user?: Partial<User> } = {},
): string {
  const home = join(dir, `${shape}-${person}`);
  mkdirSync(home, { recursive: true });
  const credentials = join(home, 'credentials');
  writeFileSync(credentials, c.auth.addUser({ ...cloudUser(shape, person), ...o.user }), { mode: 0o600 });
  const plugin = join(home, shape === 'eks' ? 'aws' : 'gke-gcloud-auth-plugin');
  writeFileSync(plugin, PLUGIN);
  chmodSync(plugin, 0o755);
  const name = CLOUD_USER_NAMES[shape];
  const exec =
    shape === 'eks'
      ? {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: plugin,
          args: ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'evals', '--output', 'json'],
          env: [{ name: 'SIM_CREDENTIALS', value: credentials }],
          interactiveMode: 'IfAvailable',
        }
      : {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: plugin,
          env: [{ name: 'SIM_CREDENTIALS', value: credentials }],
          installHint:
            'Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin',
          provideClusterInfo: true,
          interactiveMode: 'IfAvailable',
        };
  const caData = c.caPath
    ? { 'certificate-authority-data': readFileSync(c.caPath).toString('base64') }
    : { 'insecure-skip-tls-verify': true };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: c.url, ...caData } }],
    users: [{ name, user: { exec } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  };
  const file = join(home, 'kubeconfig');
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}
