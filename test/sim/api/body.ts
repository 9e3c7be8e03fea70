// Request bodies: JSON, YAML (apply patches), protobuf (client-go typed clients).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../store';
import { decodeProtobuf, PROTOBUF } from './protobuf';

const MAX_BODY = 8 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Decodes a body by its Content-Type; an empty body is undefined. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  const ct = (contentType ?? 'application/json').split(';')[0].trim();
  if (ct === PROTOBUF) return decodeProtobuf(body);
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    if (ct.endsWith('yaml')) {
      try {
        return parseYaml(text);
      } catch (e) {
        throw new ApiError(400, 'BadRequest', `error decoding YAML: ${(e as Error).message}`);
      }
    }
    throw new ApiError(
      400,
      'BadRequest',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  }
}
