// A throwaway CA and a server certificate for 127.0.0.1/localhost, built with node:crypto and a tiny DER
// encoder (no openssl needed on the machine). ECDSA P-256, which Go (kubectl, helm) and Node both accept.
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export interface SimCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
}

// --- DER ---
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const ctx = (n: number, body: Buffer, constructed = true): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, body);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bitString = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let body = b.subarray(i);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  // UTCTime up to 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function certificate(opts: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  ca: boolean;
}): Buffer {
  const from = new Date(Date.now() - 60 * 60 * 1000);
  const to = new Date(Date.now() + 10 * 365 * 24 * 60 * 60 * 1000);
  const exts = [
    extension('2.5.29.19', true, seq(...(opts.ca ? [bool(true)] : []))),
    // keyUsage: digitalSignature (+ keyCertSign, cRLSign for the CA).
    extension('2.5.29.15', true, opts.ca ? tlv(0x03, Buffer.from([1, 0x86])) : tlv(0x03, Buffer.from([7, 0x80]))),
  ];
  if (!opts.ca) {
    exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    const san = seq(
      ctx(2, Buffer.from('localhost'), false),
      ctx(7, Buffer.from([127, 0, 0, 1]), false),
      ctx(7, Buffer.from([...Array(15).fill(0), 1]), false),
    );
    exts.push(extension('2.5.29.17', false, san));
  }
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    ctx(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name(opts.issuer),
    seq(time(from), time(to)),
    name(opts.subject),
    opts.publicKey.export({ type: 'spki', format: 'der' }),
    ctx(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, { key: opts.signer, dsaEncoding: 'der' });
  return seq(tbs, ecdsaWithSha256, bitString(signature));
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** A fresh CA plus a server certificate for 127.0.0.1, ::1 and localhost. */
export function generateCerts(): SimCerts {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caDer = certificate({
    subject: 'k8s-sandbox-sim-ca',
    issuer: 'k8s-sandbox-sim-ca',
    publicKey: ca.publicKey,
    signer: ca.privateKey,
    ca: true,
  });
  const certDer = certificate({
    subject: 'kube-apiserver',
    issuer: 'k8s-sandbox-sim-ca',
    publicKey: server.publicKey,
    signer: ca.privateKey,
    ca: false,
  });
  const keyPem = createPrivateKey(server.privateKey.export({ type: 'pkcs8', format: 'pem' })).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  return { caPem: pem('CERTIFICATE', caDer), certPem: pem('CERTIFICATE', certDer), keyPem };
}
