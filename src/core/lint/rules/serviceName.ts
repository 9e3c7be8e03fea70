// Service keys become Kubernetes object names and DNS labels.
import { rangeOf } from '../document';
import { scalarText } from '../../values/textEdits';
import { defineRule } from '../rule';

export const serviceNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Longest service name that still leaves room for a 1-character release name (see sandbox/name-length). */
const maxSuggested = 50;

/** A valid, unused name close to `name`. */
export function suggestServiceName(name: string, taken: ReadonlySet<string>): string {
  let base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxSuggested)
    .replace(/-+$/, '');
  if (!base) base = 'service';
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) {
    const suffix = `-${i}`;
    candidate = base.slice(0, maxSuggested - suffix.length).replace(/-+$/, '') + suffix;
  }
  return candidate;
}

export const serviceName = defineRule(
  {
    id: 'sandbox/service-name',
    severity: 'error',
    title: 'Service name is not a valid DNS label',
    why: 'Each service key names a StatefulSet, a Service and a DNS record, so it must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters.',
  },
  (ctx) => {
    const services = ctx.vd.services();
    const taken = new Set(services.map((s) => s.name));
    for (const s of services) {
      if (serviceNamePattern.test(s.name) && s.name.length <= 63) continue;
      const r = rangeOf(s.key);
      if (!r) continue;
      const fixed = suggestServiceName(s.name, taken);
      taken.add(fixed);
      const why =
        s.name.length > 63
          ? `is ${s.name.length} characters long (at most 63)`
          : 'must use only lower-case letters, digits and "-", and start and end with a letter or digit';
      ctx.report({
        range: r,
        path: ['services', s.name],
        message: `service name ${JSON.stringify(s.name)} ${why}`,
        fix: {
          title: `Rename the service to "${fixed}"`,
          edits: [{ start: r[0], end: r[1], newText: scalarText(fixed) }],
        },
      });
    }
  },
);
