// A raw HTTPS GET against the simulated API server with a kubeconfig's CA and token: the full pod list figure
// the sim promises (issue 4), without any client library's decoding in the way.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';
import { nowMs } from './stats';

interface KubeconfigFile {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users: Array<{ user: { token?: string } }>;
}

export function rawGet(
  kubeconfig: string,
  path: string,
  accept = 'application/json',
): Promise<{ ms: number; bytes: number; status: number }> {
  const cfg = parse(readFileSync(kubeconfig, 'utf8')) as KubeconfigFile;
  const { server, 'certificate-authority-data': caData } = cfg.clusters[0].cluster;
  const token = cfg.users[0].user.token;
  const ca = caData ? Buffer.from(caData, 'base64') : undefined;
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const req = https.request(
      new URL(path, server),
      { method: 'GET', ca, agent: false, headers: { Accept: accept, Authorization: `Bearer ${token}` } },
      (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ ms: nowMs() - t0, bytes, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
