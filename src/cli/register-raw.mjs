// Registers raw-import-hooks.mjs; used with `node --import` by the npm scripts.
import { register } from 'node:module';
register('./raw-import-hooks.mjs', import.meta.url);
