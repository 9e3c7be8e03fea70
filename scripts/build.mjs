// One bundle for the extension (node, CommonJS; its Hubble Relay client apart, see below), one for the lint CLI,
// one for the webview (browser).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

// Packages the node bundles replace with a stand-in (scripts/shims/*.cjs, each saying why that is safe). One list,
// also read by the tests that bundle the extension as it ships. Paths are relative to the repo root (esbuild's cwd).
const aliases = JSON.parse(readFileSync(new URL('./shims/aliases.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// The Hubble Relay client (gRPC and protobuf, ~400 KB) is a file of its own, required when a drop stream starts:
// in the extension bundle every activation would compile it. Its module state (gRPC channels) lives in it alone.
const relayClientApart = {
  name: 'relay-client-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/client$/ }, (a) =>
      a.importer.endsWith(join('cilium', 'relay', 'stream.ts'))
        ? { path: './relay-client.js', external: true }
        : undefined,
    );
  },
};

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info' };
const configs = [
  {
    ...common,
    entryPoints: {
      extension: 'src/extension.ts',
      'lint-cli': 'src/cli/lint.ts',
      'relay-client': 'src/core/cilium/relay/client.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    alias: aliases,
    plugins: [relayClientApart],
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
