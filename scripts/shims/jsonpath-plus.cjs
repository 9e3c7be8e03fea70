// Only client-node's gcp and azure auth providers use jsonpath-plus, and we refuse kubeconfigs with those legacy
// auth providers before any request (src/core/kube/errors.ts, 'legacyAuthProvider'). Should one get through, the
// call says why instead of evaluating the token path.
function JSONPath() {
  throw new Error('the gcp/azure auth-provider is not supported by K8s Sandbox; use an exec credential plugin');
}
module.exports = { JSONPath };
