// Which YAML files are sandbox values files beyond the configured globs: a top-level `services:` map with at
// least one image entry, and not a Docker Compose file (which has the same shape).
import { isMap, isPair, parseDocument } from 'yaml';
import { flowDepth, keyText, limits } from './document';

const composeName = /(^|[\\/])(docker-)?compose([.-][^\\/]*)?\.ya?ml$/i;

export function isComposeFileName(fileName: string): boolean {
  return composeName.test(fileName);
}

export function looksLikeSandboxValues(text: string, fileName = ''): boolean {
  if (isComposeFileName(fileName)) return false;
  if (!/^services[ \t]*:/m.test(text) || !/\bimage[ \t]*:/.test(text)) return false;
  if (text.length > limits.maxBytes || flowDepth(text).depth > limits.maxFlowDepth) return true; // the linter explains
  try {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    const root = doc.contents;
    if (!isMap(root)) return false;
    const services = root.items.find((p) => isPair(p) && keyText(p) === 'services');
    const svcMap = services && isPair(services) ? services.value : undefined;
    if (!isMap(svcMap)) return false;
    return svcMap.items.some(
      (p) => isPair(p) && isMap(p.value) && p.value.items.some((q) => isPair(q) && keyText(q) === 'image'),
    );
  } catch {
    return false;
  }
}
