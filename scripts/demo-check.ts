/**
 * How the demo judges and prints one outcome.
 */

/** What a request produced. */
export type Outcome =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** What the demo expects: a status (and maybe an exact body), or a refused TLS handshake. */
export interface Expectation {
  readonly status?: number;
  readonly body?: string;
  readonly refused?: boolean;
  /** Printed when the outcome differs. */
  readonly describe: string;
}

function shorten(body: string): string {
  const flat = body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** Whether `outcome` meets `expected`, and a line saying what happened. */
export function checkOutcome(outcome: Outcome, expected: Expectation): { ok: boolean; line: string } {
  if (outcome.kind === 'refused') {
    const what = /^ERR_SSL|^ECONNRESET$|socket hang up/.test(outcome.reason) ? 'TLS handshake refused' : 'no answer';
    return { ok: expected.refused === true, line: `${what} (${outcome.reason})` };
  }
  const ok = expected.refused !== true && outcome.status === expected.status &&
    (expected.body === undefined || outcome.body === expected.body);
  return { ok, line: `${outcome.status} "${shorten(outcome.body)}"` };
}
