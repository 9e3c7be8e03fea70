// Images without a tag or digest change under you between runs.
import type { Node as YNode } from 'yaml';
import { rangeOf } from '../document';
import { defineServiceRule, q } from '../rule';

/** "digest", "tag", "latest" or "none" for an image reference. */
export function imagePinning(ref: string): 'digest' | 'tag' | 'latest' | 'none' {
  if (ref.includes('@')) return 'digest';
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const i = last.lastIndexOf(':');
  if (i < 0) return 'none';
  return last.slice(i + 1) === 'latest' ? 'latest' : 'tag';
}

export const imageUnpinned = defineServiceRule(
  {
    id: 'sandbox/image-unpinned',
    severity: 'info',
    title: 'Image without a tag or digest',
    why: 'Nothing here builds or pins images for you: an image without a tag (or with :latest) can change between two runs of the same evaluation. Pin a tag, or better a digest.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const check = (node: YNode | undefined, owner: string): void => {
      const v = vd.scalar(node);
      if (typeof v !== 'string' || !v) return;
      const pin = imagePinning(v);
      if (pin === 'digest' || pin === 'tag') return;
      ctx.report({
        range: rangeOf(node) ?? [0, 0],
        message: `${owner} image "${v}" ${pin === 'latest' ? 'uses :latest, which moves' : 'has no tag or digest'}: runs may not be reproducible`,
      });
    };
    check(vd.value(s.value, 'image'), `service ${q(s.name)}`);
    for (const item of vd.seq(vd.value(s.value, 'initContainers'))?.items ?? []) {
      check(vd.value(vd.map(item), 'image'), `an init container of service ${q(s.name)}:`);
    }
  },
  [],
);
