// The lint engine as this feature uses it (yaml, ajv, the schema, the rules): loaded on first use (see index.ts).
export { IncrementalLinter, WarmUps } from '../../core/lint/api';
export { looksLikeSandboxValues } from '../../core/lint/detect';
export { hoverAt } from '../../core/lint/hover';
export { toVsDiagnostic, toWorkspaceEdit } from './convert';
