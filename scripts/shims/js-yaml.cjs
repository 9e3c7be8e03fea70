// client-node imports js-yaml for KubeConfig.loadFromString (`load`) and for its loadYaml/loadAllYaml/dumpYaml
// helpers (`loadAll`, `dump`; we call none of them). The `yaml` package is bundled anyway, so it stands in:
// js-yaml 4's default schema is YAML 1.2 core plus implicit timestamps (as Date) and merge keys (<<); explicit
// !!binary/!!omap/!!pairs/!!set are known to `yaml`'s core schema too. Errors throw (their first line names the
// line and column); an unknown tag throws as in js-yaml. test/unit/kube/yamlShim.test.ts compares it with js-yaml.
const YAML = require('yaml');

const parseOptions = { schema: 'core', customTags: ['timestamp'], merge: true, uniqueKeys: true };

function documents(input, options) {
  const docs = YAML.parseAllDocuments(String(input), parseOptions);
  if (!Array.isArray(docs)) throw docs.errors?.[0] ?? new Error('invalid YAML');
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw doc.errors[0];
    for (const w of doc.warnings) {
      if (w.code === 'TAG_RESOLVE_FAILED') throw w;
      options?.onWarning?.(w);
    }
    out.push(doc.toJS({ maxAliasCount: -1 }));
  }
  // js-yaml reads a stream of only comments as one empty document.
  if (out.length === 0 && /\S/.test(String(input))) out.push(null);
  return out;
}

function load(input, options) {
  const docs = documents(input, options);
  if (docs.length > 1) throw new Error('expected a single document in the stream, but found more');
  return docs[0];
}

function loadAll(input, iterator, options) {
  if (iterator !== null && typeof iterator === 'object' && options === undefined) [options, iterator] = [iterator];
  const docs = documents(input, options);
  if (typeof iterator !== 'function') return docs;
  for (const d of docs) iterator(d);
}

// js-yaml's dump options that have a `yaml` counterpart; the others (flowLevel, styles, condenseFlow, ...) fall back
// to `yaml`'s defaults (block style, plain scalars where safe).
function dump(value, opts = {}) {
  const lineWidth = opts.lineWidth ?? 80;
  return YAML.stringify(value, typeof opts.replacer === 'function' ? opts.replacer : null, {
    schema: 'core',
    customTags: ['timestamp'],
    indent: opts.indent ?? 2,
    indentSeq: !opts.noArrayIndent,
    lineWidth: lineWidth < 0 ? 0 : lineWidth,
    aliasDuplicateObjects: !opts.noRefs,
    sortMapEntries: opts.sortKeys ?? false,
    singleQuote: opts.quotingType !== '"',
    ...(opts.forceQuotes ? { defaultStringType: opts.quotingType === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE' } : {}),
  });
}

module.exports = { load, loadAll, dump };
