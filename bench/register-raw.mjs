// Registers raw-import-hooks.mjs; the bench's probe processes load it with `node --import`, so that
// TypeScript run by tsx can import kernel sources as `file.wgsl?raw`.
import { register } from 'node:module';
register('./raw-import-hooks.mjs', import.meta.url);
