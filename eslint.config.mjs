import tseslint from 'typescript-eslint';

// Layering (docs/architecture.md): core <- platform <- features <- extension; protocol is the host<->webview
// contract and webview/ may import only it. All in-repo imports are relative, so each rule is generated per folder
// depth: at a known depth, "../" * n names the exact folder an import lands in.
const MAX_DEPTH = 4;
const up = (n) => '(\\.\\./){' + n + '}';
const rule = (regex, message) => ({ regex, message });
const VSCODE = { name: 'vscode', message: 'This layer stays VS Code-free (it runs in plain tests and in the CLI).' };

/** One config per depth below `dir`; `restrict(k)` gives the patterns for a file k folders below `dir`. */
function layer(dir, restrict, { paths = [], ignores = [] } = {}) {
  return Array.from({ length: MAX_DEPTH + 1 }, (_, k) => ({
    files: [`${dir}/${'*/'.repeat(k)}*.ts`],
    ignores,
    rules: { 'no-restricted-imports': ['error', { paths, patterns: restrict(k) }] },
  }));
}

// From a file k folders below src/<x>/, src/ is k + 1 levels up.
const toSrc = (k) => '^' + up(k + 1);
const above = (k, names, message) => rule(toSrc(k) + '(' + names + ')(/|$)', message);
const features = (k) => toSrc(k - 1); // from src/features/<f>/<k-1 more>/x.ts back to src/features/

const layering = [
  ...layer(
    'src/core',
    (k) => [
      above(
        k,
        'platform|features|cli|extension|services|valuesFiles',
        'core/ imports nothing above it (platform, features, composition root).',
      ),
    ],
    { paths: [VSCODE] },
  ),
  ...layer(
    'src/protocol',
    (k) => [
      rule(
        '^' + up(k + 1),
        'protocol/ is the self-contained host<->webview contract: it imports nothing outside src/protocol/.',
      ),
    ],
    { paths: [VSCODE] },
  ),
  ...layer('src/platform', (k) => [
    above(k, 'features|cli|protocol|extension|services|valuesFiles', 'platform/ imports only core/.'),
  ]),
  ...layer(
    'src/cli',
    (k) => [above(k, 'platform|features|extension|services|valuesFiles', 'The CLI uses only core/ (no VS Code).')],
    { paths: [VSCODE] },
  ),
  ...layer(
    'src/features/*',
    (k) => [
      above(k + 1, 'cli|extension', 'Features never import the composition root or the CLI.'),
      rule(
        features(k + 1) + 'commands(/|$)',
        'Command handlers are leaves: only src/extension.ts imports features/commands/.',
      ),
      rule(features(k + 1) + '[^./][^/]*/', 'Import another feature only through its index.ts (e.g. "../terminal").'),
    ],
    { ignores: ['src/features/commands/**'] },
  ),
  ...layer('src/features/commands', (k) => [
    above(k + 1, 'cli|extension', 'Features never import the composition root or the CLI.'),
    rule(features(k + 1) + '[^./][^/]*/', 'Import another feature only through its index.ts (e.g. "../terminal").'),
  ]),
  {
    // Top-level services (services.ts, valuesFiles.ts): the composition root alone may import features.
    files: ['src/*.ts'],
    ignores: ['src/extension.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [rule('^\\./(features|cli|extension)(/|$)', 'Services sit below the features that use them.')],
        },
      ],
    },
  },
  ...layer(
    'webview',
    (k) => [
      rule('^' + up(k + 1) + '(?!src/protocol(/|$))', 'webview/ imports from src/ only the contract in src/protocol/.'),
    ],
    { paths: [VSCODE] },
  ),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-vsix/**',
      'out/**',
      'node_modules/**',
      '.tools/**',
      '.e2e/**',
      'test-results/**',
      'chart/**',
      'bench/out/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Promises in shipped code are awaited, caught, or marked `void` where fire-and-forget is intended.
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  ...layering,
);
