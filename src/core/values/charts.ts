// Which keys a release's chart accepts in its values file. agent-env's are its schema's keys (see
// ../shared/docs/agent-env-facts.md); ours are read from chart/values.schema.json, the file Helm enforces.
import schemaJson from '../../../chart/values.schema.json';

export type ChartName = 'agent-env' | 'k8s-sandbox';

export interface ValuesChart {
  readonly name: ChartName;
  readonly topKeys: readonly string[];
  readonly serviceKeys: readonly string[];
}

export const agentEnvChart: ValuesChart = {
  name: 'agent-env',
  topKeys: [
    'additionalResources',
    'allowCIDR',
    'allowDomains',
    'allowDomainsPorts',
    'allowEntities',
    'annotations',
    'automountServiceAccountToken',
    'corednsCommand',
    'corednsImage',
    'corednsSecurityContext',
    'global',
    'imagePullSecrets',
    'labels',
    'networks',
    'serviceAccountCreate',
    'serviceAccountName',
    'services',
    'volumes',
  ],
  serviceKeys: [
    'additionalDnsRecords',
    'args',
    'command',
    'dnsRecord',
    'env',
    'image',
    'imagePullPolicy',
    'initContainers',
    'livenessProbe',
    'networkIsolated',
    'networks',
    'nodeSelector',
    'ports',
    'readinessProbe',
    'resources',
    'runtimeClassName',
    'securityContext',
    'tolerations',
    'volumeMounts',
    'volumes',
    'workingDir',
  ],
};

interface SchemaShape {
  properties: Record<string, unknown>;
  definitions: { service: { properties: Record<string, unknown> } };
}
const schema = schemaJson as unknown as SchemaShape;

export const ourChart: ValuesChart = {
  name: 'k8s-sandbox',
  topKeys: Object.keys(schema.properties),
  serviceKeys: Object.keys(schema.definitions.service.properties),
};

/**
 * The chart whose keys an edit may write, from the chart name in the release's Helm record: agent-env's for
 * agent-env releases, ours otherwise (no release yet means the file is for our chart).
 */
export function chartForRelease(chartName: string | undefined): ValuesChart {
  return chartName === 'agent-env' ? agentEnvChart : ourChart;
}

/** Keys of `after` that `before` did not have and the chart does not accept, as dotted paths. */
export function addedRejectedKeys(
  chart: ValuesChart,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const k of Object.keys(after)) if (!(k in before) && !chart.topKeys.includes(k)) out.push(k);
  const services = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const was = services(before.services);
  for (const [name, svc] of Object.entries(services(after.services))) {
    const old = services(was[name]);
    for (const k of Object.keys(services(svc)))
      if (!(k in old) && !chart.serviceKeys.includes(k)) out.push(`services.${name}.${k}`);
  }
  return out;
}
