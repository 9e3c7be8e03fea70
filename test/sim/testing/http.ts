// A small HTTP(S) client for API-level sim tests (verifies TLS against the sim's CA).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { SimCluster } from '../cluster';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export function request(
  c: SimCluster,
  method: string,
  path: string,
  opts: { body?: unknown; contentType?: string; token?: string | null; accept?: string } = {},
): Promise<Reply> {
  const url = new URL(path, c.url);
  const body =
    opts.body === undefined
      ? undefined
      : Buffer.isBuffer(opts.body)
        ? opts.body
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
  const token = opts.token === undefined ? c.tokens.admin : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method, headers, ...(c.caPath ? { ca: readFileSync(c.caPath) } : {}), agent: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads a watch stream until `until` returns true for the events so far (or the stream ends). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience
type AnyObject = any;

export function watchEvents(
  c: SimCluster,
  path: string,
  until: (events: Array<{ type: string; object: AnyObject }>) => boolean,
): Promise<Array<{ type: string; object: AnyObject }>> {
  const url = new URL(path, c.url);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const events: Array<{ type: string; object: unknown }> = [];
    const req = lib.request(
      url,
      {
        headers: { Authorization: `Bearer ${c.tokens.admin}` },
        ...(c.caPath ? { ca: readFileSync(c.caPath) } : {}),
        agent: false,
      },
      (res) => {
        let buf = '';
        const done = (): void => {
          req.destroy();
          resolve(events);
        };
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
            if (until(events)) return done();
          }
        });
        res.on('end', () => resolve(events));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
