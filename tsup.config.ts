import { defineConfig } from 'tsup';

// Dual ESM + CJS with bundled types. Dependencies stay external: pkijs/asn1js are ESM-only, so the CJS
// build relies on require(esm), available from Node 20.19 (hence engines.node).
export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli/index.ts' },
  format: ['esm', 'cjs'],
  // tsup's declaration build sets baseUrl, which TypeScript 6 deprecates.
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' }, compilerOptions: { ignoreDeprecations: '6.0' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  shims: false,
});
