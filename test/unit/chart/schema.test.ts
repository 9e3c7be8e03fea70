// values.schema.json as other tools use it: ajv (draft-07, strict) compiles it, every property is documented,
// unknown keys are refused, and ajv agrees with helm on the shared fixtures once the chart defaults are merged
// in (helm validates the merged values).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { chartDir, fixturesDir, invalidDir, invalidFixtures, validFixtures } from './support';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Schema;
const defaults = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Json;

/** Helm's coalescing of user values over chart defaults: maps merge deeply, the rest replaces; a null deletes a
 *  default (and stays null where there is none). */
function coalesce(base: Json, over: Json): Json {
  if (!isMap(base) || !isMap(over)) return over;
  const out: { [k: string]: Json } = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null && k in base) delete out[k];
    else out[k] = k in base ? coalesce(base[k], v) : v;
  }
  return out;
}
const isMap = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every sub-schema with its JSON pointer. */
function* walk(node: Json, path: string): Generator<[string, Schema]> {
  if (!isMap(node)) return;
  yield [path, node];
  for (const key of ['properties', 'definitions', 'patternProperties']) {
    const m = node[key];
    if (isMap(m)) for (const [k, v] of Object.entries(m)) yield* walk(v, `${path}/${key}/${k}`);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else']) yield* walk(node[key], `${path}/${key}`);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = node[key];
    if (Array.isArray(list)) for (const [i, v] of list.entries()) yield* walk(v, `${path}/${key}/${i}`);
  }
}

let compiled: ReturnType<Ajv['compile']> | undefined;
const compile = (): ReturnType<Ajv['compile']> => (compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema));

describe('chart: values.schema.json', () => {
  it('is draft-07 and compiles with ajv in strict mode', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.doesNotThrow(compile);
  });

  it('documents every property (hover docs in the editor)', () => {
    const missing: string[] = [];
    for (const [path, node] of walk(schema, '#')) {
      if (!isMap(node.properties)) continue;
      for (const [k, v] of Object.entries(node.properties)) if (!isMap(v) || typeof v.description !== 'string' || !v.description) missing.push(`${path}/properties/${k}`);
    }
    assert.deepEqual(missing, []);
  });

  it('refuses unknown keys in every object it describes', () => {
    const open: string[] = [];
    for (const [path, node] of walk(schema, '#')) if (isMap(node.properties) && (node.additionalProperties === undefined || node.additionalProperties === true)) open.push(path);
    assert.deepEqual(open, []);
    const validate = compile();
    const values = coalesce(defaults, { services: { default: { image: 'a', imageName: 'typo' } }, allowDomainz: [] });
    assert.equal(validate(values), false);
    const unknown = (validate.errors ?? []).filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath} ${String(e.params.additionalProperty)}`);
    assert.deepEqual(unknown.sort(), [' allowDomainz', '/services/default imageName']);
  });

  it('accepts the chart defaults and every valid fixture merged over them', () => {
    const validate = compile();
    assert.ok(validate(defaults), JSON.stringify(validate.errors));
    for (const f of validFixtures) {
      const values = coalesce(defaults, parse(readFileSync(join(fixturesDir, f), 'utf8')) as Json);
      assert.ok(validate(values), `${f}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('refuses the invalid fixtures that the schema can judge, at the offending value', () => {
    const validate = compile();
    const verdict = Object.fromEntries(
      invalidFixtures.map((f) => {
        const ok = validate(coalesce(defaults, parse(readFileSync(join(invalidDir, f), 'utf8')) as Json));
        return [f, ok ? 'valid' : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.keyword}`).join('; ')];
      }),
    );
    assert.deepEqual(verdict, {
      // These two need cross-field checks: the chart's templates refuse them (see fixtures.test.ts).
      'allow-domains-ports-bad-domain-values.yaml': 'valid',
      'allow-domains-ports-invalid-values.yaml': 'valid',
      'invalid-dns-record-values.yaml': '/services/default/additionalDnsRecords/0 pattern',
      'invalid-service-name-values.yaml': '/services pattern; /services propertyNames',
    });
  });

  it('every value has a row in the README values tables', () => {
    const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
    const rows = new Set([...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
    const props = (node: Json): { [k: string]: Json } => (isMap(node) && isMap(node.properties) ? node.properties : {});
    const keys: string[] = [];
    for (const [k, v] of Object.entries(props(schema))) {
      const nested = Object.keys(props(v));
      if (nested.length && k !== 'services') keys.push(...nested.map((n) => `${k}.${n}`));
      else keys.push(k);
    }
    keys.push(...Object.keys(props((schema.definitions as { [k: string]: Json }).service)));
    assert.deepEqual(keys.filter((k) => !rows.has(k)), []);
  });

  it('checks the shapes users get wrong', () => {
    const validate = compile();
    const bad: Json[] = [
      { allowDomains: ['https://pypi.org'] },
      { allowDomains: ['pypi.org/simple'] },
      { allowDomainsPorts: [{ port: 70000 }] },
      { allowDomainsPorts: [{ port: 22, protocol: 'tcpx' }] },
      { allowCIDR: ['10.0.0.0/33'] },
      { allowCIDR: ['not-an-ip'] },
      { allowEntities: ['internet'] },
      { networks: { Bad_Name: {} } },
      { networks: { ['n'.repeat(56)]: {} } },
      { services: { default: { image: 'a', runtimeClassName: 'Bad Class' } } },
      { services: { default: { image: 'a', resources: { limits: { cpu: 'lots' } } } } },
      { services: { default: { image: 'a', volumes: ['no-mount-path'] } } },
      { services: { default: { image: 'a', volumes: [{ emptyDir: {} }] } } },
      { services: { x: { command: ['sh'] } } },
      { services: { default: { image: 'a', terminationGracePeriodSeconds: -1 } } },
      { timeouts: { riskLevel: 'extreme' } },
      { volumes: { data: { size: '1Gi' } } },
    ];
    for (const v of bad) assert.equal(validate(coalesce(defaults, v)), false, JSON.stringify(v));
    const good: Json[] = [
      { allowDomains: ['*', '*.example.com', 'PyPI.org'], allowDomainsPorts: [{ port: 443, protocol: 'UDP' }, { port: 22, protocol: 'tcp' }, { port: 53, protocol: 'any' }] },
      { allowCIDR: ['1.1.1.1', '10.0.0.0/8', '2001:db8::/32'], allowEntities: ['world', 'kube-apiserver'] },
      { services: { default: { image: 'a', runtimeClassName: 'CLUSTER_DEFAULT', resources: { limits: { cpu: 1, memory: '1Gi' } } } } },
      { services: { default: { image: 'a', volumes: ['data:/data:ro'], terminationGracePeriodSeconds: 0 } }, volumes: { data: null } },
      { timeouts: { riskLevel: 'critical', appTimeoutSeconds: 60, deadlineSeconds: 90 } },
    ];
    for (const v of good) assert.ok(validate(coalesce(defaults, v)), `${JSON.stringify(v)}: ${JSON.stringify(validate.errors)}`);
  });
});
