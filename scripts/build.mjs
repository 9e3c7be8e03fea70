// One bundle for the extension (node, CommonJS), one for the lint CLI, one for the webview (browser).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info' };
const configs = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts', 'lint-cli': 'src/cli/lint.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    alias: {
      'whatwg-url': './scripts/shims/whatwg-url.cjs',
      'socks-proxy-agent': './scripts/shims/socks-proxy-agent.cjs',
    },
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
