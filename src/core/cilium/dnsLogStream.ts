// Follows the CoreDNS sidecar log of each pod of a release (our chart) and reports refused lookups as flows.
// A log stream that ends (pod restarted, connection lost) is followed again after a backoff from the last
// line's time; lines seen twice are dropped.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DNS_SIDECAR, parseSidecarLine, type SidecarPod } from './dnsLog';
import type { Flow } from './flow';
import { INSTANCE_LABEL } from '../names/labels';
import { DEFAULT_RECONNECT, RecentKeys, backoffDelay, type ReconnectPolicy } from './reconnect';
import type { PodLike } from '../kube/objects';

export interface LogFollow {
  readonly stream: Readable;
  close(): void;
}

export interface DnsLogPorts {
  listPods(namespace: string, labelSelector: string): Promise<PodLike[]>;
  /** `pods/log` with follow and timestamps, from `sinceTime` (RFC 3339) when given. */
  followLog(namespace: string, pod: string, container: string, sinceTime?: string): Promise<LogFollow>;
}

export interface DnsLogOptions {
  readonly namespace: string;
  readonly release: string;
  readonly onFlow: (flow: Flow, raw: string) => void;
  readonly onProblem?: (message: string) => void;
  readonly reconnect?: Partial<ReconnectPolicy> | false;
}

interface Follower {
  readonly pod: SidecarPod;
  follow?: LogFollow;
  since?: string;
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
}

const MAX_LINE = 64 * 1024;

export class DnsLogStream {
  private readonly followers = new Map<string, Follower>();
  private readonly seen = new RecentKeys(4096);
  private readonly policy: ReconnectPolicy | undefined;
  private stopped = false;

  constructor(
    private readonly ports: DnsLogPorts,
    private readonly opts: DnsLogOptions,
  ) {
    this.policy = opts.reconnect === false ? undefined : { ...DEFAULT_RECONNECT, ...opts.reconnect };
  }

  /** Pods whose sidecar log is followed now. */
  get following(): string[] {
    return [...this.followers.values()].filter((f) => f.follow).map((f) => f.pod.pod);
  }

  /** Starts following every pod of the release that has the sidecar; resolves with how many it found. */
  async start(): Promise<number> {
    const { namespace, release } = this.opts;
    const pods = await this.ports.listPods(namespace, `${INSTANCE_LABEL}=${release}`);
    for (const p of pods) {
      const name = p.metadata?.name;
      if (!name || !p.spec?.containers?.some((c) => c.name === DNS_SIDECAR) || this.followers.has(name)) continue;
      const pod: SidecarPod = {
        namespace,
        pod: name,
        service: p.metadata?.labels?.['inspect/service'],
        ...(p.spec.nodeName ? { node: p.spec.nodeName } : {}),
        ...(p.status?.podIP ? { ip: p.status.podIP } : {}),
      };
      const f: Follower = { pod, attempt: 0 };
      this.followers.set(name, f);
      await this.follow(f);
    }
    return this.followers.size;
  }

  private async follow(f: Follower): Promise<void> {
    if (this.stopped) return;
    let follow: LogFollow;
    try {
      follow = await this.ports.followLog(f.pod.namespace, f.pod.pod, DNS_SIDECAR, f.since);
    } catch (err) {
      return this.lost(
        f,
        `Cannot read the DNS sidecar log of ${f.pod.pod}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (this.stopped) return follow.close();
    f.follow = follow;
    const decoder = new StringDecoder('utf8');
    let rest = '';
    follow.stream.on('data', (chunk: Buffer | string) => {
      const lines = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
      rest = lines.pop() ?? '';
      if (rest.length > MAX_LINE) rest = '';
      for (const line of lines) this.line(f, line);
    });
    const ended = () => {
      if (f.follow !== follow || this.stopped) return;
      f.follow = undefined;
      this.lost(f, `The DNS sidecar log of ${f.pod.pod} ended.`);
    };
    follow.stream.on('end', ended);
    follow.stream.on('close', ended);
    follow.stream.on('error', ended);
  }

  private line(f: Follower, line: string): void {
    const text = line.trim();
    if (!text) return;
    const stamp = /^\d{4}-\d\d-\d\dT\S+Z(?= )/.exec(text)?.[0];
    if (stamp) f.since = stamp;
    f.attempt = 0;
    const flow = parseSidecarLine(text, f.pod);
    if (flow && this.seen.add(`${f.pod.pod}|${text}`))
      this.opts.onFlow(flow, JSON.stringify({ coredns: text, pod: `${f.pod.namespace}/${f.pod.pod}` }));
  }

  private lost(f: Follower, message: string): void {
    const p = this.policy;
    if (this.stopped) return;
    if (!p || f.attempt >= p.attempts) return this.opts.onProblem?.(message);
    f.attempt++;
    f.timer = setTimeout(
      () => {
        f.timer = undefined;
        void this.follow(f);
      },
      backoffDelay(f.attempt, p),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.followers.values()) {
      if (f.timer) clearTimeout(f.timer);
      f.follow?.close();
      f.follow = undefined;
    }
  }
}
