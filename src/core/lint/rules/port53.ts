// The CoreDNS sidecar binds port 53 in every sandbox pod; a service on 53 collides with it.
import type { Node as YNode, YAMLMap } from 'yaml';
import { rangeOf, type ValuesDoc } from '../document';
import { defineServiceRule, type RuleContext, q } from '../rule';

const portFlag = /^-{1,2}(p|port|listen-port|dns-port|bind-port)$/;

/** Words of command/args (shell strings split on spaces) that bind port 53. */
export function commandBinds53(words: readonly string[]): boolean {
  const all = words.flatMap((w) => w.split(/[\s;&|]+/)).filter(Boolean);
  return all.some((w, i) => /[=:]53$/.test(w) || (w === '53' && i > 0 && portFlag.test(all[i - 1])));
}

function is53(v: unknown): boolean {
  return v === 53 || v === '53';
}

function checkPorts(ctx: RuleContext, vd: ValuesDoc, svc: string, m: YAMLMap): void {
  const ports = vd.seq(vd.value(m, 'ports'));
  ports?.items.forEach((item, i) => {
    const pm = vd.map(item);
    for (const key of ['port', 'targetPort', 'containerPort']) {
      const p = vd.pair(pm, key);
      if (p && is53(vd.scalar(p.value))) {
        ctx.report({
          range: rangeOf(p) ?? [0, 0],
          path: ['services', svc, 'ports', i, key],
          message: `service ${q(svc)} declares port 53, which the CoreDNS sidecar in the same pod already binds`,
        });
      }
    }
  });
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const pr = vd.map(vd.value(m, probe));
    for (const kind of ['tcpSocket', 'httpGet', 'grpc']) {
      const p = vd.pair(vd.map(vd.value(pr, kind)), 'port');
      if (p && is53(vd.scalar(p.value))) {
        ctx.report({
          range: rangeOf(p) ?? [0, 0],
          path: ['services', svc, probe, kind, 'port'],
          message: `service ${q(svc)} probes port 53: that is the CoreDNS sidecar, not this container`,
        });
      }
    }
  }
}

function words(vd: ValuesDoc, node: YNode | undefined): string[] {
  const s = vd.seq(node);
  if (s) return s.items.map((i) => vd.scalar(i)).filter((v): v is string => typeof v === 'string');
  const v = vd.scalar(node);
  return typeof v === 'string' ? [v] : [];
}

export const port53 = defineServiceRule(
  {
    id: 'sandbox/port-53',
    severity: 'error',
    title: 'Service uses port 53',
    why: 'Every sandbox pod runs a CoreDNS sidecar bound to 127.0.0.1:53 so that only allowed domains resolve. A service that listens on or declares port 53 fails to bind or shadows the sandbox DNS.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    if (!s.value) return;
    checkPorts(ctx, vd, s.name, s.value);
    const cmd = vd.pair(s.value, 'command');
    const args = vd.pair(s.value, 'args');
    if (commandBinds53([...words(vd, cmd?.value as YNode), ...words(vd, args?.value as YNode)])) {
      ctx.report({
        range: rangeOf(args ?? cmd) ?? [0, 0],
        severity: 'warning',
        message: `service ${q(s.name)} looks like it listens on port 53, which the CoreDNS sidecar already binds`,
      });
    }
  },
  [],
);
