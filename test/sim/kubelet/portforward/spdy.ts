// The server half of SPDY/3.1 as the kubelet speaks it for `pods/portforward` (moby/spdystream): control frames
// SYN_STREAM/SYN_REPLY/RST_STREAM/SETTINGS/PING/GOAWAY/HEADERS/WINDOW_UPDATE, DATA frames, and zlib-compressed
// header blocks with the SPDY/3 dictionary (one compression context per direction for the whole session).
// spdystream does no flow control, so WINDOW_UPDATE and SETTINGS are read and ignored.
import { adler32 } from './adler32';
import { inflateSync, constants } from 'node:zlib';

const VERSION = 3;
export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const FLAG_FIN = 0x01;
export const RST_CANCEL = 5;
export const RST_PROTOCOL_ERROR = 1;

/** The SPDY/3 header dictionary (spec section 2.6.10.1): length-prefixed words, then a block of text. */
const DICT_WORDS = [
  'options',
  'head',
  'post',
  'put',
  'delete',
  'trace',
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'age',
  'allow',
  'authorization',
  'cache-control',
  'connection',
  'content-base',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'date',
  'etag',
  'expect',
  'expires',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'pragma',
  'proxy-authenticate',
  'proxy-authorization',
  'range',
  'referer',
  'retry-after',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'vary',
  'via',
  'warning',
  'www-authenticate',
  'method',
  'get',
  'status',
  '200 OK',
  'version',
  'HTTP/1.1',
  'url',
  'public',
  'set-cookie',
  'keep-alive',
  'origin',
];
const DICT_TEXT =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const DICTIONARY: Buffer = Buffer.concat([
  ...DICT_WORDS.map((w) => {
    const b = Buffer.alloc(4 + w.length);
    b.writeUInt32BE(w.length, 0);
    b.write(w, 4, 'latin1');
    return b;
  }),
  Buffer.from(DICT_TEXT, 'latin1'),
]);

export type Headers = Map<string, string[]>;

export interface SpdyFrameHandler {
  synStream(id: number, headers: Headers, fin: boolean): void;
  data(id: number, data: Buffer, fin: boolean): void;
  rst(id: number): void;
  goaway(): void;
  /** A frame that cannot be read: the session is broken. */
  error(message: string): void;
}

/** Header blocks the peer sent: one zlib stream over the whole session, each block ends with a sync flush. */
class HeaderInflater {
  private input: Buffer[] = [];
  private consumed = 0;

  decode(block: Buffer): Headers {
    this.input.push(block);
    // Re-inflating the session's header bytes keeps the one shared context without zlib internals; sessions
    // carry a few header blocks per forwarded connection.
    const all = inflateSync(Buffer.concat(this.input), { dictionary: DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const out = all.subarray(this.consumed);
    this.consumed = all.length;
    return parseHeaderBlock(out);
  }
}

function parseHeaderBlock(b: Buffer): Headers {
  const h: Headers = new Map();
  let o = 0;
  const n = b.readUInt32BE(o);
  o += 4;
  for (let i = 0; i < n; i++) {
    const kl = b.readUInt32BE(o);
    const k = b
      .subarray(o + 4, o + 4 + kl)
      .toString('latin1')
      .toLowerCase();
    o += 4 + kl;
    const vl = b.readUInt32BE(o);
    const v = b.subarray(o + 4, o + 4 + vl).toString('latin1');
    o += 4 + vl;
    h.set(k, v.split('\0'));
  }
  return h;
}

/**
 * Header blocks we send: a zlib stream of stored (uncompressed) deflate blocks. The first block carries the
 * zlib header naming the dictionary (FDICT + its Adler-32), so the peer's dictionary reader accepts it;
 * stored blocks are byte-aligned, so each frame's block is complete on its own.
 */
class HeaderDeflater {
  private started = false;

  encode(headers: Array<[string, string]>): Buffer {
    const parts: Buffer[] = [];
    const count = Buffer.alloc(4);
    count.writeUInt32BE(headers.length);
    parts.push(count);
    for (const [k, v] of headers) {
      for (const s of [k.toLowerCase(), v]) {
        const b = Buffer.alloc(4 + Buffer.byteLength(s, 'latin1'));
        b.writeUInt32BE(b.length - 4);
        b.write(s, 4, 'latin1');
        parts.push(b);
      }
    }
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored[0] = 0; // BFINAL=0, BTYPE=00 (stored), padded to the byte
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    // An empty stored block after the data, as a zlib sync flush ends: Go's inflater hands the data over only
    // when it reaches a flush point, without reading past the frame.
    const out = [stored, raw, Buffer.from([0, 0, 0, 0xff, 0xff])];
    if (!this.started) {
      this.started = true;
      const zhdr = Buffer.alloc(6);
      zhdr[0] = 0x78;
      const flg = 0x20; // FDICT
      zhdr[1] = flg + (31 - ((0x78 * 256 + flg) % 31));
      zhdr.writeUInt32BE(adler32(DICTIONARY), 2);
      out.unshift(zhdr);
    }
    return Buffer.concat(out);
  }
}

/** Parses a byte stream of frames and writes ours; transport-agnostic (WebSocket tunnel or raw upgrade). */
export class SpdySession {
  private buf: Buffer = Buffer.alloc(0);
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private broken = false;

  constructor(
    private readonly write: (frame: Buffer) => void,
    private readonly h: SpdyFrameHandler,
  ) {}

  receive(chunk: Buffer): void {
    if (this.broken) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + len) break;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      try {
        this.frame(frame);
      } catch (e) {
        this.broken = true;
        this.h.error(e instanceof Error ? e.message : String(e));
        return;
      }
    }
  }

  private frame(f: Buffer): void {
    const first = f.readUInt32BE(0);
    const flags = f[4];
    const body = f.subarray(8);
    if (!(first & 0x80000000)) {
      this.h.data(first & 0x7fffffff, body, (flags & FLAG_FIN) !== 0);
      return;
    }
    const version = (first >>> 16) & 0x7fff;
    if (version !== VERSION) throw new Error(`unsupported SPDY version ${version}`);
    const type = first & 0xffff;
    switch (type) {
      case SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        this.h.synStream(id, this.inflater.decode(body.subarray(10)), (flags & FLAG_FIN) !== 0);
        return;
      }
      case HEADERS:
      case SYN_REPLY:
        this.inflater.decode(body.subarray(4)); // keeps the shared context in step
        return;
      case RST_STREAM:
        this.h.rst(body.readUInt32BE(0) & 0x7fffffff);
        return;
      case PING:
        this.write(f); // echo (the client pings to keep the tunnel alive)
        return;
      case GOAWAY:
        this.h.goaway();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE, CREDENTIAL: nothing to do without flow control
    }
  }

  private control(type: number, flags: number, body: Buffer): void {
    const hdr = Buffer.alloc(8);
    hdr.writeUInt32BE((0x8000 | VERSION) * 0x10000 + type, 0);
    hdr.writeUInt32BE(flags * 0x1000000 + body.length, 4);
    this.write(Buffer.concat([hdr, body]));
  }

  synReply(id: number): void {
    const sid = Buffer.alloc(4);
    sid.writeUInt32BE(id);
    this.control(SYN_REPLY, 0, Buffer.concat([sid, this.deflater.encode([])]));
  }

  rstStream(id: number, status: number): void {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(id, 0);
    b.writeUInt32BE(status, 4);
    this.control(RST_STREAM, 0, b);
  }

  goAway(lastStream: number): void {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(lastStream, 0);
    this.control(GOAWAY, 0, b);
  }

  data(id: number, data: Buffer, fin = false): void {
    const max = 0xffffff;
    let off = 0;
    do {
      const part = data.subarray(off, off + max);
      off += part.length;
      const hdr = Buffer.alloc(8);
      hdr.writeUInt32BE(id & 0x7fffffff, 0);
      hdr.writeUInt32BE((fin && off >= data.length ? FLAG_FIN : 0) * 0x1000000 + part.length, 4);
      this.write(Buffer.concat([hdr, part]));
    } while (off < data.length);
  }
}
