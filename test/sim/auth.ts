// Bearer-token users and the authorization the sim enforces: an admin, a user limited to one namespace (as a
// RoleBinding to `edit` in that namespace would allow), and a `relay` user with its own namespace plus what
// `cilium hubble port-forward` needs in the Cilium namespace (get/list/watch pods and services, create
// pods/portforward) and nothing else there (no pods/exec on the agents), with the apiserver's Forbidden messages.
import { randomBytes } from 'node:crypto';
import { qualified } from './api/status';
import { ApiError, type ResourceType } from './store';

export interface User {
  name: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  /** Namespace the user is limited to; undefined = cluster admin. */
  namespace?: string;
  /** A cluster whose RBAC removed SelfSubjectReview from this user (system:basic-user unbound). */
  denySelfReview?: boolean;
  /** Extra namespaced rules (a Role bound elsewhere): `resource` or `resource/subresource` → verbs. */
  grants?: Array<{ namespace: string; resources: string[]; verbs: string[] }>;
}

export interface Attributes {
  verb: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type SimUser = 'admin' | 'restricted' | 'relay';

export class Authenticator {
  readonly tokens: Record<SimUser, string>;
  private readonly users = new Map<string, User>();

  constructor(
    readonly restrictedNamespace: string,
    readonly relay: { namespace: string; ciliumNamespace: string } = {
      namespace: restrictedNamespace,
      ciliumNamespace: 'kube-system',
    },
  ) {
    this.tokens = {
      admin: randomBytes(24).toString('hex'),
      restricted: randomBytes(24).toString('hex'),
      relay: randomBytes(24).toString('hex'),
    };
    this.users.set(this.tokens.admin, { name: 'sim-admin', groups: ['system:masters', 'system:authenticated'] });
    this.users.set(this.tokens.restricted, {
      name: 'sim-restricted',
      groups: ['system:authenticated'],
      namespace: restrictedNamespace,
    });
    this.users.set(this.tokens.relay, {
      name: 'sim-relay-viewer',
      groups: ['system:authenticated'],
      namespace: relay.namespace,
      grants: [
        {
          namespace: relay.ciliumNamespace,
          resources: ['pods', 'services', 'endpoints'],
          verbs: ['get', 'list', 'watch'],
        },
        { namespace: relay.ciliumNamespace, resources: ['pods/portforward'], verbs: ['create'] },
      ],
    });
  }

  /** Registers another person (e.g. behind an exec credential plugin) and returns their bearer token. */
  addUser(user: User): string {
    const token = randomBytes(24).toString('hex');
    this.users.set(token, { groups: ['system:authenticated'], ...user });
    return token;
  }

  /**
   * The user for an Authorization header. A wrong token is 401. No token: anonymous over TLS; over plain HTTP
   * (where kubectl sends no token) the admin, as a local insecure port would be.
   */
  authenticate(header: string | undefined, tls: boolean): User {
    if (!header)
      return tls
        ? { name: 'system:anonymous', groups: ['system:unauthenticated'], namespace: '\0none' }
        : { name: 'sim-admin', groups: ['system:masters', 'system:authenticated'] };
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    const user = m ? this.users.get(m[1]) : undefined;
    if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }
}

/** Review kinds every authenticated user may create (system:basic-user). */
const ALWAYS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);

export function allowed(user: User, a: Attributes): boolean {
  if (a.type.resource === 'selfsubjectreviews') return !user.denySelfReview && user.name !== 'system:anonymous';
  if (user.namespace === undefined) return true;
  if (user.name === 'system:anonymous') return false;
  if (ALWAYS.has(a.type.resource)) return true;
  if (!a.type.namespaced) return false;
  if (a.namespace === user.namespace) return true;
  const res = a.subresource ? `${a.type.resource}/${a.subresource}` : a.type.resource;
  return (user.grants ?? []).some(
    (g) => g.namespace === a.namespace && g.resources.includes(res) && g.verbs.includes(a.verb),
  );
}

export function authorize(user: User, a: Attributes): void {
  if (allowed(user, a)) return;
  const res = a.subresource ? `${a.type.resource}/${a.subresource}` : a.type.resource;
  const what = a.name ? `${qualified(a.type)} "${a.name}"` : qualified(a.type);
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  throw new ApiError(
    403,
    'Forbidden',
    `${what} is forbidden: User "${user.name}" cannot ${a.verb} resource "${res}" in API group "${a.type.group}" ${scope}`,
    {
      ...(a.name ? { name: a.name } : {}),
      group: a.type.group,
      kind: a.type.resource,
    },
  );
}
