/**
 * Real client certificates for the HTTP tests of guards and routers, made with openssl at test time, and the
 * ALB verify-mode headers for each (from `albHeaders`, the library's test helper).
 */
import { albHeaders } from '../../../src/testing/alb-headers.js';
import { issueCert, makeCa, type TestCa } from './certs.js';
import { tempDir } from './openssl.js';

/**
 * The subjects the routing scenarios need, in openssl `-subj` syntax: DER order, so the reverse of the
 * RFC 2253 string ALB sends (`/O=x/CN=a` arrives as `CN=a,O=x`).
 */
const SUBJECTS = {
  clientA: '/C=JP/ST=Osaka/L=Default City/O=example.org/OU=example.org.unit/CN=clientA',
  clientB: '/O=example.org/OU=dev/OU=ops/CN=clientB',
  clientAdmin: '/O=example.org/CN=clientAdmin',
  ouIsCnClientA: '/O=example.org/OU=CN=clientA/CN=mallory',
  twoCNs: '/O=example.org/CN=evil/CN=clientA',
  lookalike: '/O=example.org/CN=\uFF43lientA',
  lowercase: '/O=example.org/CN=clienta',
  commaCN: '/O=example.org/CN=clientA\\,OU=admins',
} as const;

/** Names of the fixtures. */
export type FixtureName = keyof typeof SUBJECTS | 'partner';

/** Headers per fixture name (lowercase names, as supertest `.set()` accepts). */
export type Fixtures = Readonly<Record<FixtureName, Record<string, string>>>;

let cached: Fixtures | undefined;

/** Makes the CAs and certificates once per test file (call from `before`). */
export function certFixtures(): Fixtures {
  if (cached !== undefined) return cached;
  const dir = tempDir('alb-mtls-routing-');
  const ca: TestCa = makeCa(dir, '/O=example.org/CN=Test Root CA');
  const partnerCa = makeCa(dir, '/O=Partner Inc/CN=partnerCA');
  const out: Partial<Record<FixtureName, Record<string, string>>> = {};
  for (const [name, subj] of Object.entries(SUBJECTS)) {
    out[name as FixtureName] = albHeaders(issueCert(ca, { subj, san: 'DNS:client.example' }).pem);
  }
  out.partner = albHeaders(issueCert(partnerCa, { subj: '/O=Partner Inc/CN=clientA' }).pem);
  cached = out as Fixtures;
  return cached;
}
