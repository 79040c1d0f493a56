/**
 * Process warnings a test triggers on purpose: captured instead of printed, so a passing run stays quiet,
 * and returned so the test can check them.
 */

/**
 * Runs `fn` with Node's printing of process warnings switched off and resolves with the warnings emitted
 * meanwhile (warnings are emitted on a later tick, so it waits one macrotask after `fn`). Tests in a file run
 * one at a time, so no other test's warning is swallowed.
 */
export async function captureWarnings(fn: () => unknown): Promise<Array<Error & { code?: string }>> {
  const warnings: Array<Error & { code?: string }> = [];
  const printers = process.listeners('warning');
  const collect = (warning: Error): void => { warnings.push(warning); };
  process.removeAllListeners('warning');
  process.on('warning', collect);
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', collect);
    for (const printer of printers) process.on('warning', printer);
  }
  return warnings;
}
