// Sets `timeouts.riskLevel` in a values.yaml text, touching nothing else.
import { isMap, isScalar, parseDocument, type Document } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { inputProblem, loadedValues as loaded } from '../lint/document';
import { isRiskLevel, type RiskLevel } from './riskTable';

export type RiskEditResult = { readonly ok: true; readonly text: string; readonly changed: boolean } | { readonly ok: false; readonly error: string };

const cannot = 'cannot set timeouts.riskLevel in this values file automatically; set it by hand';

/** Never throws; a success always holds valid YAML with the level in place. */
export function setRiskLevel(text: string, level: RiskLevel): RiskEditResult {
  if (!isRiskLevel(level)) return { ok: false, error: `invalid risk level ${String(level)}` };
  const problem = inputProblem(text);
  if (problem) return { ok: false, error: problem };
  try {
    const r = textEdit(text, level);
    if (!r.ok || !r.changed) return r;
    const want = expected(text, level);
    if (isDeepStrictEqual(want, loaded(r.text))) return r;
    // The text insertion did not survive (an indented top-level map, a `...` end marker): let yaml write it.
    const viaDoc = documentEdit(parseDocument(text), level);
    return isDeepStrictEqual(want, loaded(viaDoc)) ? { ok: true, text: viaDoc, changed: true } : { ok: false, error: cannot };
  } catch (e) {
    return { ok: false, error: `${cannot} (${(e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200)})` };
  }
}

/** Edits the text directly where it can, so comments and layout stay as written. */
function textEdit(text: string, level: RiskLevel): RiskEditResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, error: `the values file has a YAML error: ${doc.errors[0].message.split('\n')[0]}` };
  if (doc.contents !== null && !isMap(doc.contents)) return { ok: false, error: 'the values file is not a YAML mapping at the top level' };
  const timeouts = doc.getIn(['timeouts'], true);
  if (timeouts === undefined) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return { ok: true, text: `${text}${sep}timeouts:\n  riskLevel: ${level}\n`, changed: true };
  }
  if (!isMap(timeouts) && !(isScalar(timeouts) && timeouts.value === null)) {
    return { ok: false, error: 'timeouts in the values file is not a mapping' };
  }
  const current = doc.getIn(['timeouts', 'riskLevel'], true);
  if (isScalar(current) && current.range) {
    if (current.value === level) return { ok: true, text, changed: false };
    // Replace just the scalar so comments and layout around it stay.
    const [start, end] = current.range;
    return { ok: true, text: text.slice(0, start) + level + text.slice(end), changed: true };
  }
  return { ok: true, text: documentEdit(doc, level), changed: true };
}

function documentEdit(doc: Document.Parsed, level: RiskLevel): string {
  const timeouts = doc.getIn(['timeouts'], true);
  // `timeouts:` (an empty block) is a null scalar: replace it with a map rather than set a key inside it.
  if (isMap(timeouts)) doc.setIn(['timeouts', 'riskLevel'], level);
  else doc.setIn(['timeouts'], doc.createNode({ riskLevel: level }));
  return doc.toString();
}

/** What the text must load as after the edit: the level set, everything else (aliases of timeouts too) as it was. */
function expected(text: string, level: RiskLevel): Record<string, unknown> {
  const before = loaded(text);
  if (!before) throw new Error('the values file does not load');
  return { ...before, timeouts: { ...(before.timeouts as object | null), riskLevel: level } };
}
