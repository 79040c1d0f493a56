/**
 * Fuzz targets for the text decoders: DN strings, the validity and serial headers, ALB listener-rule
 * wildcards. Each target also checks an invariant on success, so a wrong answer counts as a crash too.
 */
import { createDN, dnEquals, parseDN } from '../../../src/core/dn/dn.js';
import { compileGlob } from '../../../src/listener-rules/glob.js';
import { repairUtf8 } from '../../../src/core/alb/headers.js';
import { normalizeSerial, serialsEqual } from '../../../src/core/der/serial.js';
import { parseSerialHeader, parseValidityHeader } from '../../../src/core/alb/validity.js';
import { isMtlsError } from '../../../src/core/errors.js';
import type { FuzzTarget } from './fuzz-types.js';

/** DN strings worth starting from besides the seed certificates' own. */
const DN_SEEDS = [
  'CN=clientA,OU=example.org.unit,O=example.org,L=Default City,ST=Osaka,C=JP',
  'serialNumber=PNOEE-47101010033,GN=MARILIIS,SN=M\\C3\\84NNIK,CN=M\\C3\\84NNIK\\,MARILIIS\\,47101010033,C=EE',
  'CN=ESTEID2018,organizationIdentifier=NTREE-10747013,O=SK ID Solutions AS,C=EE',
  'O=Sue\\, Grabbit+OU=Ops,CN=\\#x\\ ,1.3.6.1.4.1.55555.1=#04024142,OID.2.5.4.3=y',
  'CN=\\ lead\\, trail\\ ,O=\\"q\\"\\<\\>\\;\\+\\\\,C=#',
  'CN=\\F0\\9F\\98\\80\\E2\\82\\AC\\C3\\A9,DC=example+DC=org',
  'CN=trail \\',
  '',
];

/** Parses, then checks that our own `toString()` parses back to an equal DN. */
function parseAndRoundTrip(text: string, recover: boolean): void {
  let dn;
  try {
    dn = parseDN(text, { recoverTrailingSpace: recover });
  } catch (error) {
    if (isMtlsError(error)) return;
    throw error;
  }
  const printed = dn.toString();
  let again;
  try {
    again = parseDN(printed);
  } catch (error) {
    throw new Error(`toString() of a parsed DN does not parse: ${(error as Error).cause as string}`, { cause: error });
  }
  if (!dnEquals(again, dn)) throw new Error('toString() of a parsed DN parses to a different DN');
  if (!dnEquals(createDN(dn.rdns), dn)) throw new Error('createDN(dn.rdns) differs from dn');
}

function dnTarget(certificateDns: readonly string[]): FuzzTarget {
  return {
    name: 'dn',
    kind: 'string',
    seeds: [...DN_SEEDS, ...certificateDns],
    run(input) {
      const text = input as string;
      parseAndRoundTrip(text, false);
      parseAndRoundTrip(text, true);
      // The header path: Node hands over latin1, repaired to UTF-8 first.
      let repaired: string;
      try {
        repaired = repairUtf8(text, 'x-fuzz');
      } catch (error) {
        if (isMtlsError(error)) return;
        throw error;
      }
      parseAndRoundTrip(repaired, true);
    },
    allowed: isMtlsError,
  };
}

function validityTarget(seeds: readonly string[]): FuzzTarget {
  return {
    name: 'validity',
    kind: 'string',
    seeds: [...seeds, 'NotBefore=2024-02-29T23:59:59Z;NotAfter=9999-12-31T23:59:59Z', 'NotBefore=0000-01-01T00:00:00Z;NotAfter=0050-01-01T00:00:00Z'],
    run(input) {
      const v = parseValidityHeader(input as string, 'x-fuzz');
      if (!Number.isSafeInteger(v.notBefore) || !Number.isSafeInteger(v.notAfter)) throw new Error('validity is not a whole number of ms');
      if (v.notBefore % 1000 !== 0 || v.notAfter % 1000 !== 0) throw new Error('validity has sub-second precision');
    },
    allowed: isMtlsError,
  };
}

function serialTarget(seeds: readonly string[]): FuzzTarget {
  return {
    name: 'serial',
    kind: 'string',
    seeds: [...seeds, '00', '-01', '00A5B1', 'a5:b1', '0'],
    run(input) {
      const text = input as string;
      normalizeSerial(text); // any string: undefined or a normal form, never a throw
      const serial = parseSerialHeader(text, 'x-fuzz');
      if (normalizeSerial(serial) === undefined || !serialsEqual(serial, text)) throw new Error('accepted serial does not normalise');
    },
    allowed: isMtlsError,
  };
}

/** `pattern \n input`: the glob matcher against a plain dynamic-programming reference. */
function globTarget(): FuzzTarget {
  return {
    name: 'glob',
    kind: 'string',
    seeds: ['*.example.com\nAPI.example.com', '/api/*/v?\n/api/x/v1', 'a\\*b\\?c\\\\\na*b?c\\', '*a*a*a*a*a*b\n' + 'a'.repeat(80),
      '?*?*?\nabc', '*\n', '\n', 'x**y\nxy'],
    run(input) {
      const text = input as string;
      const cut = text.indexOf('\n');
      const pattern = cut < 0 ? text : text.slice(0, cut);
      const subject = cut < 0 ? '' : text.slice(cut + 1);
      for (const caseInsensitive of [false, true]) {
        for (const escapes of [false, true]) {
          const got = compileGlob(pattern, { caseInsensitive, escapes })(subject);
          if (pattern.length <= 300 && subject.length <= 300 && got !== referenceGlob(pattern, subject, caseInsensitive, escapes)) {
            throw new Error(`glob disagrees with the reference (caseInsensitive ${caseInsensitive}, escapes ${escapes})`);
          }
        }
      }
    },
    allowed: () => false,
  };
}

type Token = { readonly star: true } | { readonly star: false; readonly char: string | undefined };

/** The documented semantics, written independently: `*` any run, `?` one character, optional `\` escapes. */
export function referenceGlob(pattern: string, input: string, caseInsensitive: boolean, escapes: boolean): boolean {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (escapes && c === '\\' && (next === '*' || next === '?' || next === '\\')) tokens.push({ star: false, char: pattern[++i] });
    else if (c === '*') tokens.push({ star: true });
    else tokens.push({ star: false, char: c === '?' ? undefined : c });
  }
  const fold = (s: string): string => (caseInsensitive ? s.replace(/[A-Z]/g, (m) => m.toLowerCase()) : s);
  let row = new Array<boolean>(input.length + 1).fill(false);
  row[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(input.length + 1).fill(false);
    for (let j = 0; j <= input.length; j++) {
      if (token.star) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else if (j > 0 && row[j - 1]) next[j] = token.char === undefined || fold(token.char) === fold(input[j - 1]!);
    }
    row = next;
  }
  return row[input.length]!;
}

/** The text targets, seeded from the seed certificates' own header values. */
export function textTargets(headerSets: ReadonlyArray<Readonly<Record<string, string>>>): FuzzTarget[] {
  const pick = (suffix: string): string[] => headerSets.map((h) => h[`x-amzn-mtls-clientcert-${suffix}`]!).filter((v) => v !== undefined);
  return [
    dnTarget([...pick('subject'), ...pick('issuer')]),
    validityTarget(pick('validity')),
    serialTarget(pick('serial-number')),
    globTarget(),
  ];
}
