// Adds a suggested allow entry (Inspector "Add to values…") through the values edit engine. Every key written
// here (allowDomains, allowDomainsPorts, allowCIDR, allowEntities) is accepted by agent-env and by our chart.
import { appendToList, applyChanges, type Change, type EditResult } from '../values/edit';
import { chartForRelease } from '../values/charts';
import type { ValuesEntry } from './suggest';

export { minimalEdit } from '../values/edit';
export type ValuesEditResult = EditResult;

const sameScalar = (item: string) => (v: unknown) => v !== null && typeof v !== 'object' && String(v) === item;

/** An existing allowDomainsPorts entry covers the port when port matches, its protocol covers (ANY or equal, any case) and it is unscoped or for the domain. */
const portCovered =
  (item: { port: number; protocol: string; domain: string }) =>
  (v: unknown): boolean => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
    const js = v as Record<string, unknown>;
    const protocol = typeof js.protocol === 'string' ? js.protocol.toUpperCase() : 'ANY';
    return (
      Number(js.port) === item.port &&
      (protocol === 'ANY' || protocol === item.protocol.toUpperCase()) &&
      (js.domain === undefined || js.domain === item.domain)
    );
  };

function changesFor(entry: ValuesEntry): Change[] {
  switch (entry.key) {
    case 'allowDomains':
      return [appendToList('allowDomains', entry.domain, sameScalar(entry.domain))];
    case 'allowCIDR':
      return [appendToList('allowCIDR', entry.cidr, sameScalar(entry.cidr))];
    case 'allowEntities':
      return [appendToList('allowEntities', entry.entity, sameScalar(entry.entity))];
    case 'allowDomainsPorts': {
      // Both charts require a scoped port's domain in allowDomains.
      const item = { domain: entry.domain, port: entry.port, protocol: entry.protocol };
      return [
        appendToList('allowDomains', entry.domain, sameScalar(entry.domain)),
        appendToList('allowDomainsPorts', item, portCovered(item)),
      ];
    }
  }
}

/** Returns the values text with the entry added; `changed: false` when it is already there. */
export function addValuesEntry(text: string, entry: ValuesEntry, releaseChart?: string): ValuesEditResult {
  return applyChanges(text, changesFor(entry), chartForRelease(releaseChart));
}
