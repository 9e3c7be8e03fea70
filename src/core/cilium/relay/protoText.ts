// The text of observer.proto. Under tsx (tests, sim) it is read from beside this file; the esbuild bundle replaces
// this module with the text inlined (scripts/build.mjs), so the extension needs no file next to dist/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const OBSERVER_PROTO: string = readFileSync(join(__dirname, 'observer.proto'), 'utf8');
