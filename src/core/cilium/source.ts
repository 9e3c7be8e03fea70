// Which flow source a panel uses, chosen automatically: Hubble Relay over a port-forward (needs only
// `create pods/portforward` in the Cilium namespace), else exec into the agents (`create pods/exec` on privileged
// pods), else a "no access" state that names the missing permission and the commands an admin would run.
import { RELAY_SELECTOR } from './relay/stream';
import { CILIUM_SELECTOR } from './stream';
import type { WhoAmI } from '../kube/identity';
import type { PodLike } from '../kube/objects';
import { isForbidden, type StreamStatus } from './streamStatus';

export type SourcePreference = 'auto' | 'relay' | 'exec';

export interface AccessCheck {
  readonly namespace: string;
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
}

export interface SourcePorts {
  listPods(namespace: string, labelSelector: string): Promise<PodLike[]>;
  /** A SelfSubjectAccessReview: may the current user do this? */
  canI(check: AccessCheck): Promise<boolean>;
}

export interface SourceOptions {
  readonly preferred: SourcePreference;
  /** The configured Cilium namespace; empty: detected from where hubble-relay or the agents run. */
  readonly ciliumNamespace?: string;
  /**
   * Who the API server says the caller is (SelfSubjectReview), asked only for a "no access" state: the grant
   * commands bind that identity, never the kubeconfig user name (on EKS/GKE a whole team shares that name).
   */
  readonly identity?: () => Promise<WhoAmI | undefined>;
}

export type SourceChoice =
  | { readonly kind: 'relay'; readonly ciliumNamespace: string }
  | { readonly kind: 'exec'; readonly ciliumNamespace: string }
  | { readonly kind: 'none'; readonly status: StreamStatus };

/** Where Cilium usually runs when no namespace is configured. */
export const CILIUM_NAMESPACES = ['kube-system', 'cilium', 'cilium-system'] as const;

interface Found {
  namespace: string;
  relays: number;
  agents: number;
}

/** The first namespace that runs hubble-relay or Cilium agents; `forbidden` lists those we may not list. */
async function detect(
  ports: SourcePorts,
  candidates: readonly string[],
): Promise<{ found?: Found; forbidden: string[] }> {
  const forbidden: string[] = [];
  for (const namespace of candidates) {
    try {
      const [relays, agents] = await Promise.all([
        ports.listPods(namespace, RELAY_SELECTOR),
        ports.listPods(namespace, CILIUM_SELECTOR),
      ]);
      const live = (ps: PodLike[]) => ps.filter((p) => !p.metadata?.deletionTimestamp).length;
      if (relays.length + agents.length > 0)
        return { found: { namespace, relays: live(relays), agents: live(agents) }, forbidden };
    } catch (err) {
      if (!isForbidden(err)) throw err;
      forbidden.push(namespace);
    }
  }
  return { forbidden };
}

/** Stands in for the user name in grant commands when the caller's identity is unknown. */
export const USER_PLACEHOLDER = 'REPLACE-WITH-YOUR-USER';
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** A word as a POSIX shell reads it back (the admin pastes the commands): quoted unless plainly safe. */
const shellWord = (w: string): string => (/^[A-Za-z0-9@%+=:,./_-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/**
 * The subject of `kubectl create rolebinding` for the caller: `--serviceaccount=ns:name` for a service account,
 * else `--user=<name>` as the API server authenticated it; unknown, a marked placeholder and why.
 */
export function bindingSubject(who: WhoAmI | undefined): { flag: string; note?: string } {
  if (!who?.known) {
    const why = who ? who.reason : 'the API server was not asked or did not answer';
    return {
      flag: `--user=${USER_PLACEHOLDER}`,
      note: `# Your identity is unknown (${why}): replace ${USER_PLACEHOLDER} with the user name \`kubectl auth whoami\` prints.`,
    };
  }
  const sa = SERVICE_ACCOUNT.exec(who.identity.username);
  return {
    flag: sa ? `--serviceaccount=${shellWord(`${sa[1]}:${sa[2]}`)}` : `--user=${shellWord(who.identity.username)}`,
  };
}

/** The commands an admin runs to let the caller do `verb` on `resource` in `namespace` (a Role and its binding). */
export function grantCommands(
  namespace: string,
  who: WhoAmI | undefined,
  rules: readonly { verb: string; resource: string; name: string }[],
): string {
  const subject = bindingSubject(who);
  const commands = rules
    .map(
      (r) =>
        `kubectl create role ${r.name} --namespace ${namespace} --verb=${r.verb} --resource=${r.resource} && ` +
        `kubectl create rolebinding ${r.name} --namespace ${namespace} --role=${r.name} ${subject.flag}`,
    )
    .join(' && \\\n  ');
  return subject.note ? `${subject.note}\n${commands}` : commands;
}

const PORT_FORWARD = { verb: 'create', resource: 'pods/portforward', name: 'k8s-sandbox-hubble-relay' };
const LIST_PODS = { verb: 'get,list', resource: 'pods', name: 'k8s-sandbox-find-cilium' };

export async function chooseSource(ports: SourcePorts, o: SourceOptions): Promise<SourceChoice> {
  const who = async (): Promise<WhoAmI | undefined> => {
    try {
      return await o.identity?.();
    } catch {
      return undefined; // unreachable, no context: the grant carries the placeholder
    }
  };
  const candidates = o.ciliumNamespace ? [o.ciliumNamespace] : [...CILIUM_NAMESPACES];
  const { found, forbidden } = await detect(ports, candidates);
  if (!found) {
    if (forbidden.length > 0) {
      const ns = forbidden[0];
      return none(
        'no-access',
        `You may not list pods in ${forbidden.join(', ')}, so Hubble Relay and the Cilium agents cannot be found. Missing permission: list pods in ${ns} (and create pods/portforward there, to read flows from hubble-relay).`,
        grantCommands(ns, await who(), [LIST_PODS, PORT_FORWARD]),
      );
    }
    return none(
      'no-cilium',
      `Neither hubble-relay (${RELAY_SELECTOR}) nor Cilium agents (${CILIUM_SELECTOR}) run in ${candidates.join(', ')}: this cluster does not run Cilium here, so there are no drop events to show. Set the Cilium namespace if it runs elsewhere.`,
    );
  }
  const ns = found.namespace;
  const canForward =
    found.relays > 0 &&
    (await ports.canI({ namespace: ns, verb: 'create', resource: 'pods', subresource: 'portforward' }));
  if (canForward && o.preferred !== 'exec') return { kind: 'relay', ciliumNamespace: ns };
  const canExec =
    found.agents > 0 && (await ports.canI({ namespace: ns, verb: 'create', resource: 'pods', subresource: 'exec' }));
  if (canExec && o.preferred !== 'relay') return { kind: 'exec', ciliumNamespace: ns };
  if (canForward) return { kind: 'relay', ciliumNamespace: ns };
  if (canExec) return { kind: 'exec', ciliumNamespace: ns };
  const missing: string[] = [];
  if (found.relays > 0) missing.push(`create pods/portforward in ${ns} (to read flows from hubble-relay)`);
  if (found.agents > 0) missing.push(`create pods/exec in ${ns} (to run hubble observe in the Cilium agents)`);
  const relayHint =
    found.relays > 0
      ? ' Port-forward to the relay is the smaller grant: no exec into privileged pods.'
      : ' Hubble Relay is not deployed; exec into the agents is the only way.';
  const rule =
    found.relays > 0 ? PORT_FORWARD : { verb: 'create', resource: 'pods/exec', name: 'k8s-sandbox-cilium-exec' };
  return none(
    'no-access',
    `No access to flows: you may not ${missing.join(', nor ')}.${relayHint}`,
    grantCommands(ns, await who(), [rule]),
  );
}

function none(kind: StreamStatus['kind'], message: string, grant?: string): SourceChoice {
  return {
    kind: 'none',
    status: {
      kind,
      message,
      source: {
        kind: 'none',
        detail: kind === 'no-access' ? 'no permission to read flows' : 'Cilium not found',
        ...(grant ? { grant } : {}),
      },
    },
  };
}
