import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', '.e2e/**', 'test-results/**', 'chart/**'] },
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
  {
    // The core stays VS Code-free so it runs in plain tests and in the CLI.
    files: ['src/core/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
);
