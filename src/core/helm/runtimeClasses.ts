// RuntimeClass pre-check before an install. We read the classes from the chart's rendered output (helm
// template), so chart defaults such as "unset → gvisor" and "CLUSTER_DEFAULT → omitted" are the chart's own.
import type { KubeConfig, V1Node, V1RuntimeClass } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { SandboxError } from '../errors';
import { listObjects } from '../kube/objectApi';

export interface RuntimeClassUse {
  /** The values key under `services:` (from the pod template's `inspect/service` label), if known. */
  service?: string;
  /** Rendered object, e.g. "StatefulSet/r1-default". */
  object: string;
  runtimeClass: string;
}

export interface RuntimeClassProblem extends RuntimeClassUse {
  problem: 'missing' | 'unschedulable';
  /** For unschedulable: the class's nodeSelector. */
  nodeSelector?: Record<string, string>;
}

/** Thrown when a class is missing or matches no node; carries what a fallback offer needs. */
export class RuntimeClassError extends SandboxError {
  constructor(
    readonly problems: RuntimeClassProblem[],
    readonly available: string[],
  ) {
    const missing = problems.filter((p) => p.problem === 'missing');
    const unsched = problems.filter((p) => p.problem === 'unschedulable');
    const parts: string[] = [];
    if (missing.length)
      parts.push(
        `RuntimeClass ${unique(missing.map((p) => `"${p.runtimeClass}"`)).join(', ')} not found in the cluster (used by ${missing.map(who).join(', ')})`,
      );
    if (unsched.length)
      parts.push(
        `RuntimeClass ${unique(unsched.map((p) => `"${p.runtimeClass}"`)).join(', ')} matches no node (nodeSelector ${unique(unsched.map((p) => JSON.stringify(p.nodeSelector ?? {}))).join(', ')})`,
      );
    super(
      missing.length ? 'RuntimeClassMissing' : 'RuntimeClassUnschedulable',
      `${parts.join('; ')}. Available: ${available.length ? available.join(', ') : 'none'}`,
      {
        hint: 'Install with a fallback runtime class, or ask the cluster admin to add the class.',
      },
    );
  }
}

const who = (p: RuntimeClassUse): string => (p.service ? `service "${p.service}"` : p.object);
const unique = (a: string[]): string[] => [...new Set(a)];

/** Pod specs in rendered manifests and the runtime classes they ask for. */
export function runtimeClassesInManifest(manifest: string): RuntimeClassUse[] {
  const uses: RuntimeClassUse[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const o = doc.toJS() as Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!o || typeof o !== 'object') continue;
    const podSpec = o.kind === 'Pod' ? o.spec : o.spec?.template?.spec;
    const labels = (o.kind === 'Pod' ? o.metadata?.labels : o.spec?.template?.metadata?.labels) ?? {};
    const rc = podSpec?.runtimeClassName;
    if (typeof rc === 'string' && rc !== '') {
      const service = typeof labels['inspect/service'] === 'string' ? labels['inspect/service'] : undefined;
      uses.push({ service, object: `${o.kind}/${o.metadata?.name ?? '?'}`, runtimeClass: rc });
    }
  }
  return uses;
}

/** Checks each use against the cluster. Returns nothing when fine; throws RuntimeClassError otherwise. */
export async function checkRuntimeClasses(
  kc: KubeConfig,
  uses: RuntimeClassUse[],
  log?: (line: string) => void,
): Promise<void> {
  if (uses.length === 0) return;
  let classes: V1RuntimeClass[];
  try {
    classes = (await listObjects<V1RuntimeClass>(kc, 'node.k8s.io/v1', 'RuntimeClass')).items;
  } catch (e) {
    if (httpCode(e) === 403) {
      log?.('Cannot list RuntimeClasses (forbidden): skipping the runtime class check');
      return;
    }
    throw e;
  }
  const byName = new Map(classes.map((c) => [c.metadata?.name ?? '', c]));
  const problems: RuntimeClassProblem[] = [];
  let nodeLabels: Array<Record<string, string>> | undefined;
  for (const use of uses) {
    const rc = byName.get(use.runtimeClass);
    if (!rc) {
      problems.push({ ...use, problem: 'missing' });
      continue;
    }
    const sel = rc.scheduling?.nodeSelector;
    if (!sel || Object.keys(sel).length === 0) continue;
    if (nodeLabels === undefined) {
      try {
        nodeLabels = (await listObjects<V1Node>(kc, 'v1', 'Node')).items.map((n) => n.metadata?.labels ?? {});
      } catch (e) {
        if (httpCode(e) !== 403) throw e;
        log?.('Cannot list Nodes (forbidden): skipping the RuntimeClass nodeSelector check');
        nodeLabels = [];
        continue;
      }
    }
    if (nodeLabels.length === 0) continue; // unknown nodes: don't guess
    const matches = nodeLabels.some((l) => Object.entries(sel).every(([k, v]) => l[k] === v));
    if (!matches) problems.push({ ...use, problem: 'unschedulable', nodeSelector: sel });
  }
  if (problems.length) throw new RuntimeClassError(problems, [...byName.keys()].filter(Boolean).sort());
}

/** `--set` overrides that switch each problematic service to a fallback (a class name or CLUSTER_DEFAULT). */
export function fallbackSets(problems: RuntimeClassProblem[], fallback: string): Record<string, string> {
  const sets: Record<string, string> = {};
  for (const p of problems) {
    if (!p.service) {
      throw new SandboxError(
        'InvalidInput',
        `Cannot override the runtime class of ${p.object}: it does not name its service`,
      );
    }
    sets[`services.${p.service}.runtimeClassName`] = fallback;
  }
  return sets;
}

export function httpCode(e: unknown): number | undefined {
  // client-node's ApiException: numeric `code`; our requestJson's RawRequestError: `statusCode`.
  const o = e as { code?: unknown; statusCode?: unknown } | null;
  if (typeof o?.code === 'number') return o.code;
  return typeof o?.statusCode === 'number' ? o.statusCode : undefined;
}
