// Secret redaction for everything we log (VS Code-free, unit-tested). Errs on the side of hiding.

const RULES: Array<[RegExp, string]> = [
  // Authorization headers and bearer tokens.
  [/(\bauthorization\s*[:=]\s*)(bearer|basic)\s+[^\s"',]+/gi, '$1$2 ***'],
  [/\bbearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer ***'],
  // JWTs (service-account and OIDC tokens) anywhere.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '***'],
  // kubeconfig / YAML / JSON secret fields and --flag=value forms.
  [
    /((?:client-key-data|client-certificate-data|token|id-token|refresh-token|access-token|password|secret|api-key|apikey)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
    '$1***',
  ],
  [/(--(?:token|password|client-key|client-secret)[= ])\S+/gi, '$1***'],
  // PEM blocks.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '-----PRIVATE KEY ***-----'],
  // userinfo in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***:***@'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, sub] of RULES) out = out.replace(re, sub);
  return out;
}
