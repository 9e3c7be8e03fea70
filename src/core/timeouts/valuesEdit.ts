// Sets `timeouts.riskLevel` in a values.yaml text, touching nothing else.
import { isMap, isScalar, parseDocument } from 'yaml';
import { isRiskLevel, type RiskLevel } from './riskTable';

export type RiskEditResult = { readonly ok: true; readonly text: string; readonly changed: boolean } | { readonly ok: false; readonly error: string };

export function setRiskLevel(text: string, level: RiskLevel): RiskEditResult {
  if (!isRiskLevel(level)) return { ok: false, error: `invalid risk level ${String(level)}` };
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
  doc.setIn(['timeouts', 'riskLevel'], level);
  return { ok: true, text: doc.toString(), changed: true };
}
