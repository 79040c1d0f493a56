/** The case table of test/alb/spoofing.test.ts. */

/** A string only the attacker's certificate and values carry, searched for in events and responses. */
export const MARKER = 'zz-spoof-marker-5e1f';

/** Renamed headers, as the listener attributes `routing.http.request.x_amzn_mtls_clientcert_*.header_name` set them. */
export const RENAMED = {
  subject: 'x-client-subject', issuer: 'x-client-issuer', serialNumber: 'x-client-serial', validity: 'x-client-validity',
  leaf: 'x-client-leaf', chain: 'x-client-chain',
} as const;

type Headers = Readonly<Record<string, string>>;

/** Header sets the cases are built from. */
export interface Fixtures {
  /** Verify-mode headers of the legitimate client (CN=clientA). */
  readonly legit: Headers;
  readonly legitChain: Headers;
  readonly legitRenamed: Headers;
  readonly legitRenamedChain: Headers;
  /** Headers of a certificate from a forged PKI that copies the real CA names (CN=admin). */
  readonly attacker: Headers;
  readonly attackerChain: Headers;
  /** A real administrator (CN=admin from the trusted PKI): the control that /admin is reachable at all. */
  readonly legitAdmin: Headers;
  readonly legitSubject: string;
}

export interface SpoofCase {
  readonly name: string;
  readonly app: 'untrusted' | 'untrustedPassthrough' | 'untrustedRequired' | 'mismatched' | 'truthyFunction' | 'trustProxy'
    | 'renamedUntrusted' | 'verify' | 'passthrough' | 'renamed';
  readonly headers: (f: Fixtures) => Record<string, string | string[]>;
  readonly status: number;
  readonly code?: string;
  /** `'legit'`: the legitimate certificate must be the one seen; otherwise none. */
  readonly subject?: 'legit';
  /** The headers must be gone from the request, with a `stripped` event of this reason. */
  readonly stripped?: 'untrusted-peer' | 'unread';
  /** The header set that stays in the request when the rest is stripped (the legitimate one). */
  readonly kept?: 'legit' | 'legitRenamed';
}

const SUBJECT = 'x-amzn-mtls-clientcert-subject';
const LEAF = 'x-amzn-mtls-clientcert-leaf';
const CHAIN = 'x-amzn-mtls-clientcert';

const upper = (h: Headers): Record<string, string> => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
const title = (h: Headers): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), v]));
const split = (value: string): string[] => [value.slice(0, 60), value.slice(60)];

const D = 'ERR_MTLS_DUPLICATE_HEADER';

export const CASES: readonly SpoofCase[] = [
  // Peers that are not trusted proxies: everything stripped, nothing decoded.
  { name: 'untrusted peer sends a full verify-mode set', app: 'untrusted', headers: (f) => f.attacker, status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer sends the legitimate client\'s headers (replay)', app: 'untrusted', headers: (f) => f.legit, status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer uses upper-case names', app: 'untrusted', headers: (f) => upper(f.attacker), status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer uses Title-Case names', app: 'untrusted', headers: (f) => title(f.attacker), status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer repeats a header', app: 'untrusted', headers: (f) => ({ ...f.attacker, [SUBJECT]: [f.attacker[SUBJECT]!, f.legit[SUBJECT]!] }), status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer splits the leaf across lines', app: 'untrusted', headers: (f) => ({ ...f.attacker, [LEAF]: split(f.attacker[LEAF]!) }), status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer sends a look-alike x-amzn-mtls-* header', app: 'untrusted', headers: (f) => ({ 'x-amzn-mtls-clientcert-subject-dn': f.attacker[SUBJECT]! }), status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer sends a valid passthrough chain', app: 'untrustedPassthrough', headers: (f) => f.legitChain, status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer sends the verify headers to a passthrough app', app: 'untrustedPassthrough', headers: (f) => f.attacker, status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer, required: true', app: 'untrustedRequired', headers: (f) => f.legit, status: 401, code: 'ERR_MTLS_CERT_REQUIRED' },
  { name: 'trustedProxies that does not match the peer', app: 'mismatched', headers: (f) => f.attacker, status: 200, stripped: 'untrusted-peer' },
  { name: 'trustedProxies function returning a truthy non-boolean', app: 'truthyFunction', headers: (f) => f.attacker, status: 200, stripped: 'untrusted-peer' },
  { name: 'X-Forwarded-For naming a trusted address, app trusts proxies', app: 'trustProxy', headers: (f) => ({ ...f.attacker, 'x-forwarded-for': '10.0.0.1' }), status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer sends the renamed headers', app: 'renamedUntrusted', headers: (f) => f.legitRenamed, status: 200, stripped: 'untrusted-peer' },
  { name: 'untrusted peer sends default names to a renamed app', app: 'renamedUntrusted', headers: (f) => f.attacker, status: 200, stripped: 'untrusted-peer' },
  // The trusted proxy, but headers of the other mode.
  { name: 'verify mode: the passthrough header alone', app: 'verify', headers: (f) => f.legitChain, status: 200, stripped: 'unread' },
  { name: 'verify mode: a legitimate set plus an attacker\'s passthrough header', app: 'verify', headers: (f) => ({ ...f.legit, ...f.attackerChain }), status: 200, subject: 'legit', stripped: 'unread', kept: 'legit' },
  { name: 'passthrough mode: verify headers alone', app: 'passthrough', headers: (f) => f.attacker, status: 200, stripped: 'unread' },
  { name: 'passthrough mode: verify headers plus a forged chain', app: 'passthrough', headers: (f) => ({ ...f.legit, ...f.attackerChain }), status: 401, code: 'ERR_MTLS_CHAIN_INVALID' },
  { name: 'passthrough mode: a chain from a PKI that copies the CA names', app: 'passthrough', headers: (f) => f.attackerChain, status: 401, code: 'ERR_MTLS_CHAIN_INVALID' },
  // The trusted proxy, ambiguous lines.
  { name: 'verify mode: subject header twice', app: 'verify', headers: (f) => ({ ...f.legit, [SUBJECT]: [f.legit[SUBJECT]!, f.attacker[SUBJECT]!] }), status: 400, code: D },
  { name: 'verify mode: subject twice, upper-case name', app: 'verify', headers: (f) => ({ ...f.legit, [SUBJECT.toUpperCase()]: [f.attacker[SUBJECT]!, f.legit[SUBJECT]!] }), status: 400, code: D },
  { name: 'verify mode: leaf split across two lines', app: 'verify', headers: (f) => ({ ...f.legit, [LEAF]: split(f.legit[LEAF]!) }), status: 400, code: D },
  { name: 'verify mode: attacker subject with the legitimate leaf', app: 'verify', headers: (f) => ({ ...f.legit, [SUBJECT]: f.attacker[SUBJECT]! }), status: 400, code: 'ERR_MTLS_HEADER_MISMATCH' },
  { name: 'passthrough mode: chain header split across two lines', app: 'passthrough', headers: (f) => ({ [CHAIN]: split(f.legitChain[CHAIN]!) }), status: 400, code: D },
  // Renamed headers: ALB's default names are just other headers.
  { name: 'renamed app: the attacker sends ALB\'s default names', app: 'renamed', headers: (f) => f.attacker, status: 200, stripped: 'unread' },
  { name: 'renamed app: legitimate renamed set plus attacker default names', app: 'renamed', headers: (f) => ({ ...f.attacker, ...f.legitRenamed }), status: 200, subject: 'legit', stripped: 'unread', kept: 'legitRenamed' },
  { name: 'renamed app: renamed passthrough header in verify mode', app: 'renamed', headers: (f) => f.legitRenamedChain, status: 200, stripped: 'unread' },
  { name: 'renamed app: renamed subject twice', app: 'renamed', headers: (f) => ({ ...f.legitRenamed, 'x-client-subject': [f.legitRenamed['x-client-subject']!, f.attacker[SUBJECT]!] }), status: 400, code: D },
];
