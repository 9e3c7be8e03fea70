// The labels our releases carry: Helm's instance label (the release name), ours for the creator and the sandbox marker.
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const CREATOR_LABEL = 'k8s-sandbox.dev/creator';
export const SANDBOX_LABEL = 'inspectSandbox';
