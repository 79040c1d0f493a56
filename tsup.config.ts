import { defineConfig } from 'tsup';

// The library: dual ESM + CJS with bundled types. Dependencies stay external: pkijs/asn1js are ESM-only, so
// the CJS build of the testing kit relies on require(esm), available from Node 20.19 (hence engines.node).
// The CLI is a bin run by `node`, so ESM alone.
// Source maps without the sources' text: stack traces still point at src/ files and lines (with
// --enable-source-maps), and the tarball is 2 MB lighter.
const common = {
  target: 'node20', platform: 'node', sourcemap: true, splitting: false, shims: false,
  esbuildOptions(options: { sourcesContent?: boolean }) {
    options.sourcesContent = false;
  },
} as const;

export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    // tsup's declaration build sets baseUrl, which TypeScript 6 deprecates.
    dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' }, compilerOptions: { ignoreDeprecations: '6.0' } },
    clean: false,
  },
  { ...common, entry: { cli: 'src/cli/index.ts' }, format: ['esm'], clean: false },
]);
