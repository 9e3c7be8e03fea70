// "Mine": who the API server says the user is (SelfSubjectReview), never the kubeconfig user name: EKS and GKE
// kubeconfigs name the user after the cluster, so a whole team shares that name.
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { classifyApiError } from './errors';
import { requestJson } from './rawRequest';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The creator label value of a user name: ≤ 63 chars of [A-Za-z0-9._-] with alphanumeric ends. Always
 * `<sanitised prefix>-<8 hex of sha256(name)>` (or `u-<hash>` when nothing is left), even for names already
 * label-safe: a plain name could otherwise equal the sanitised prefix of another user's name (`a-b` vs `a@b`).
 */
export function creatorIdOf(username: string): string {
  const raw = username.trim();
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63 - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned ? `${cleaned}-${hash}` : `u-${hash}`;
}

export const isLabelValue = (v: string): boolean => v.length <= 63 && LABEL_VALUE.test(v);

export interface Identity {
  /** As the API server authenticated the request (IAM ARN on EKS, e-mail on GKE, cert CN, service account). */
  username: string;
  groups: string[];
  /** Label-safe creator id (`creatorIdOf(username)`). */
  creator: string;
}

/** Who the server says we are, or why it cannot say (then "mine" is unknown: never guessed). */
export type WhoAmI = { known: true; identity: Identity } | { known: false; reason: string };

interface Review {
  status?: { userInfo?: { username?: string; groups?: string[] } };
}

/**
 * Asks `authentication.k8s.io/v1` SelfSubjectReview, then v1beta1 (servers 1.26–1.27). Not served or forbidden:
 * unknown, with the reason. Other failures (unreachable, 401) throw, so a caller does not cache them.
 */
export async function whoAmI(kc: KubeConfig): Promise<WhoAmI> {
  // Straight POSTs: the generic object client would first need the group version's discovery to list
  // selfsubjectreviews, and servers 1.26–1.27 serve authentication.k8s.io/v1 without it (a plain Error, not a 404).
  for (const version of ['v1', 'v1beta1']) {
    let review: Review;
    try {
      review = await requestJson<Review>(kc, {
        method: 'POST',
        path: `/apis/authentication.k8s.io/${version}/selfsubjectreviews`,
        body: { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
      });
    } catch (e) {
      const code = classifyApiError(e).status;
      if (code === 404) continue;
      if (code === 403) return { known: false, reason: 'the API server refused SelfSubjectReview (403 Forbidden)' };
      throw e;
    }
    const username = review.status?.userInfo?.username;
    if (!username) return { known: false, reason: `SelfSubjectReview (${version}) returned no user name` };
    return {
      known: true,
      identity: { username, groups: review.status?.userInfo?.groups ?? [], creator: creatorIdOf(username) },
    };
  }
  return {
    known: false,
    reason: 'the API server does not serve SelfSubjectReview (authentication.k8s.io v1 or v1beta1; Kubernetes < 1.26)',
  };
}

/** One line for status bar, tree and messages. */
export function describeWhoAmI(w: WhoAmI | undefined): string {
  if (!w) return 'identity: checking…';
  return w.known ? w.identity.username : `identity unknown (${w.reason})`;
}

/** A user name short enough for the status bar: the last segment of an ARN or service account, at most 24 chars. */
export function shortUserName(username: string): string {
  const last = /^(arn:|system:serviceaccount:)/.test(username) ? (username.split(/[/:]/).pop() ?? username) : username;
  return last.length > 24 ? `${last.slice(0, 23)}…` : last;
}
