#!/usr/bin/env node
/**
 * Entry point of the `express-alb-mtls` bin (built to `dist/cli.js`). Kept apart from `main.ts` so that
 * importing the CLI never runs it (an `import.meta.url === argv[1]` check fails behind npm's bin symlinks).
 * No top-level await: this entry is also built as CommonJS.
 * @module
 */
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`express-alb-mtls: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
