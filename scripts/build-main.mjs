// Bundles the Node side: Electron's main and preload (CommonJS, as Electron loads them) and the
// browser-mode server (ESM). Each is self-contained apart from packages in node_modules.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', packages: 'external' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', external: ['electron'] }),
  // The sandboxed preload may only require 'electron': bundle everything else in.
  build({ ...common, packages: undefined, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['electron/serve.ts'], outfile: 'dist/electron/serve.mjs', format: 'esm' }),
]);
