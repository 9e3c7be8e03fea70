// Hover documentation and values-file detection (the pure parts of the VS Code adapter).
import { strict as assert } from 'node:assert';
import { looksLikeSandboxValues, isComposeFileName } from '../../../src/core/lint/detect';
import { hoverAt } from '../../../src/core/lint/hover';
import { valuesSchema } from '../../../src/core/lint/schema';

// Expected words come from the chart schema itself, so the test follows its wording.
const defs = valuesSchema.definitions as Record<
  string,
  { description: string; properties: Record<string, { description: string; enum?: unknown[] }> }
>;
const props = valuesSchema.properties as Record<
  string,
  { items: { properties: Record<string, { description: string; examples: string[] }> } }
>;

const text =
  'services:\n  web:\n    image: "nginx:1.27.0"\n    runtimeClassName: kata\nallowDomainsPorts:\n  - port: 22\n    protocol: TCP\n';

describe('lint: hover and detection', () => {
  it('documents a service key from the chart schema', () => {
    const h = hoverAt(text, text.indexOf('runtimeClassName') + 3);
    assert.ok(h);
    assert.deepEqual(h.path, ['services', 'web', 'runtimeClassName']);
    assert.deepEqual(h.range, [
      text.indexOf('runtimeClassName'),
      text.indexOf('runtimeClassName') + 'runtimeClassName'.length,
    ]);
    assert.match(h.markdown, /^\*\*services\.web\.runtimeClassName\*\*/);
    assert.ok(h.markdown.includes(defs.service.properties.runtimeClassName.description));
    assert.match(h.markdown, /Type: `string`/);
  });

  it('documents keys inside list items, with the allowed values', () => {
    const h = hoverAt(text, text.indexOf('protocol'));
    assert.deepEqual(h?.path, ['allowDomainsPorts', 0, 'protocol']);
    const protocol = props.allowDomainsPorts.items.properties.protocol;
    assert.ok(h.markdown.includes(protocol.description));
    assert.ok(h.markdown.includes(`Values: ${protocol.examples.map((v) => `\`${v}\``).join(', ')}`));
  });

  it('documents a service name as a service', () => {
    assert.ok((hoverAt(text, text.indexOf('web'))?.markdown ?? '').includes(defs.service.description));
  });

  it('says nothing off a key, on an unknown key, or on broken input', () => {
    assert.equal(hoverAt(text, text.indexOf('nginx')), undefined);
    assert.equal(hoverAt('nope: 1\n', 1), undefined);
    assert.equal(hoverAt('{'.repeat(10_000), 3), undefined);
  });

  it('recognises values files by shape, but not compose files', () => {
    assert.equal(looksLikeSandboxValues(text), true);
    assert.equal(looksLikeSandboxValues(text, '/w/docker-compose.yml'), false);
    assert.equal(looksLikeSandboxValues(text, '/w/compose.prod.yaml'), false);
    assert.equal(looksLikeSandboxValues('services:\n  web:\n    build: .\n'), false);
    assert.equal(looksLikeSandboxValues('kind: Deployment\nspec:\n  image: x\n'), false);
    assert.equal(looksLikeSandboxValues('services: [image]\n'), false);
    assert.ok(isComposeFileName('C:\\w\\compose.yaml'));
    assert.ok(!isComposeFileName('/w/values-compose-converted.yaml'));
  });
});
