/**
 * Loaded before every test file (`--import ./test/setup.ts` in package.json). Express's default error handler
 * prints the stack of every error it answers unless NODE_ENV is `test`, and the suites answer hundreds of
 * expected 401/403/500s on purpose: keep a passing run quiet, as docs/testing.md recommends to users.
 */
process.env.NODE_ENV ??= 'test';
