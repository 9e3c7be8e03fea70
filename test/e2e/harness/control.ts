// A tiny loopback HTTP endpoint through which the in-extension-host suites drive the simulated cluster (which
// lives in the mocha process): crash a container, send denied traffic. Bearer token from the context file.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SeededCluster } from '../seed';
import type { ControlRequest } from '../suite/context';

export interface ControlEndpoint {
  url: string;
  token: string;
  close(): Promise<void>;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** What the in-host suites may ask for, validated: the sim must not see garbage. */
function parse(body: unknown): ControlRequest {
  const b = body as Record<string, unknown>;
  const name = (k: string) => {
    const v = b[k];
    if (typeof v !== 'string' || !NAME.test(v)) throw new Error(`bad ${k}`);
    return v;
  };
  if (b.op === 'crash') {
    const reason = b.reason === 'Error' ? 'Error' : 'OOMKilled';
    return {
      op: 'crash',
      namespace: name('namespace'),
      pod: name('pod'),
      container: b.container === undefined ? undefined : name('container'),
      reason,
    };
  }
  if (b.op === 'traffic' && typeof b.port === 'number')
    return { op: 'traffic', namespace: name('namespace'), pod: name('pod'), domain: name('domain'), port: b.port };
  throw new Error('unknown op');
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => {
      data += c.toString();
      if (data.length > 10_000) req.destroy();
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(data));
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

export async function startControl(cluster: SeededCluster): Promise<ControlEndpoint> {
  const token = randomBytes(16).toString('hex');
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(403).end();
      return;
    }
    readBody(req)
      .then(async (body) => {
        const r = parse(body);
        if (r.op === 'crash') {
          cluster.kubelet.faults.crash(r.namespace, r.pod, r.container, { reason: r.reason });
          return {};
        }
        return cluster.kubelet.traffic.request({
          namespace: r.namespace,
          pod: r.pod,
          destination: { domain: r.domain, port: r.port, protocol: 'TCP' },
        });
      })
      .then(
        (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        (e: Error) => res.writeHead(400).end(e.message),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
