// A reader for the chart's Corefile and a model of how CoreDNS answers with it, so tests assert what a lookup
// in the sandbox does rather than the text. Semantics modelled (CoreDNS docs): the server block with the most
// specific zone takes the query; plugins run in CoreDNS's fixed order rewrite -> template -> forward; a
// template only looks at names inside its zones, and with `fallthrough` passes on names its regex misses.

export interface TemplateRule {
  readonly zones: readonly string[];
  readonly match?: string;
  readonly rcode: string;
  readonly fallthrough: boolean;
}

export interface ServerBlock {
  readonly zone: string;
  readonly bind: string[];
  readonly rewrites: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  readonly templates: readonly TemplateRule[];
  readonly forwardTo?: string;
}

const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`).toLowerCase();

/** Parses the server blocks; throws on anything outside the subset the chart writes. */
export function parseCorefile(text: string): Map<string, ServerBlock> {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const blocks = new Map<string, ServerBlock>();
  let i = 0;
  const next = (): string => {
    if (i >= lines.length) throw new Error('Corefile ends inside a block');
    return lines[i++];
  };
  while (i < lines.length) {
    const head = /^(\S+):53 \{$/.exec(next());
    if (!head) throw new Error(`expected a server block at line ${i}: ${lines[i - 1]}`);
    const zone = head[1] === '.' ? '.' : fqdn(head[1]);
    if (blocks.has(zone)) throw new Error(`zone ${zone} is defined twice (CoreDNS refuses to start)`);
    const block = { zone, bind: [] as string[], rewrites: [] as { from: string; to: string }[], templates: [] as TemplateRule[], forwardTo: undefined as string | undefined };
    for (let line = next(); line !== '}'; line = next()) {
      const words = line.split(/\s+/);
      if (words[0] === 'bind') block.bind.push(...words.slice(1));
      else if (words[0] === 'log' || words[0] === 'errors') continue;
      else if (words[0] === 'rewrite' && words[1] === 'name' && words[2] === 'exact' && words.length === 5) {
        block.rewrites.push({ from: fqdn(words[3]), to: fqdn(words[4]) });
      } else if (words[0] === 'template' && words.at(-1) === '{') {
        const zones = words.slice(3, -1).map(fqdn);
        let match: string | undefined;
        let rcode = 'NOERROR';
        let fallthrough = false;
        for (let t = next(); t !== '}'; t = next()) {
          const m = /^match "([^"]*)"$/.exec(t);
          if (m) match = m[1];
          else if (t.startsWith('rcode ')) rcode = t.slice(6);
          else if (t === 'fallthrough') fallthrough = true;
          else throw new Error(`unexpected template line: ${t}`);
        }
        block.templates.push({ zones: zones.length ? zones : [zone], match, rcode, fallthrough });
      } else if (words[0] === 'forward' && words[1] === '.') {
        block.forwardTo = words[2];
        if (words.at(-1) === '{') for (let f = next(); f !== '}'; f = next()) if (!/^max_concurrent \d+$/.test(f)) throw new Error(`unexpected forward option: ${f}`);
      } else throw new Error(`unexpected Corefile line: ${line}`);
    }
    blocks.set(zone, block);
  }
  return blocks;
}

const inZone = (name: string, zone: string): boolean => zone === '.' || name === zone || name.endsWith(`.${zone}`);

export type Answer = { readonly kind: 'forward'; readonly name: string } | { readonly kind: 'rcode'; readonly rcode: string };

/** What CoreDNS does with a query for `name` under this Corefile. */
export function resolve(blocks: ReadonlyMap<string, ServerBlock>, name: string): Answer {
  let q = fqdn(name);
  const zone = [...blocks.keys()].filter((z) => inZone(q, z)).sort((a, b) => b.length - a.length)[0];
  if (!zone) return { kind: 'rcode', rcode: 'REFUSED' };
  const block = blocks.get(zone)!;
  for (const r of block.rewrites) if (r.from === q) q = r.to;
  const templates = block.templates.filter((t) => t.zones.some((z) => inZone(q, z)));
  if (templates.length) {
    const hit = templates.find((t) => t.match === undefined || new RegExp(t.match).test(q));
    if (hit) return { kind: 'rcode', rcode: hit.rcode };
    if (!templates[templates.length - 1].fallthrough) return { kind: 'rcode', rcode: 'NXDOMAIN' };
  }
  if (block.forwardTo) return { kind: 'forward', name: q };
  return { kind: 'rcode', rcode: 'SERVFAIL' };
}
