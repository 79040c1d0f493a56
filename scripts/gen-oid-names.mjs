#!/usr/bin/env node
// Generates src/core/oid-names.ts from OpenSSL's obj_mac.h: for every object with an OID, its short name,
// long name and dotted OID, exactly as OpenSSL's printer names attribute types.
//
// Usage: node scripts/gen-oid-names.mjs [path/to/obj_mac.h] [path/to/oid-names.ts]
// Defaults: /usr/include/openssl/obj_mac.h -> src/core/oid-names.ts. Re-run after an OpenSSL upgrade.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const headerPath = process.argv[2] ?? '/usr/include/openssl/obj_mac.h';
const outputPath = process.argv[3] ?? join(root, 'src/core/oid-names.ts');

/** Collects `#define {SN,LN,NID,OBJ}_name value` lines, skipping aliases that point at other macros. */
function readDefines(text) {
  const objects = new Map();
  const oidMacros = new Map();
  const pattern = /^#define[ \t]+(SN|LN|NID|OBJ)_(\w+)[ \t]+(.+?)[ \t]*$/gm;
  for (const [, kind, name, raw] of text.matchAll(pattern)) {
    if (kind === 'OBJ') {
      oidMacros.set(name, raw);
      continue;
    }
    const entry = objects.get(name) ?? {};
    if (kind === 'NID') {
      if (/^\d+$/.test(raw)) entry.nid = Number(raw);
    } else if (/^"[^"]*"$/.test(raw)) {
      entry[kind === 'SN' ? 'short' : 'long'] = raw.slice(1, -1);
    }
    objects.set(name, entry);
  }
  return { objects, oidMacros };
}

/** Expands `OBJ_X509,3L` into `2.5.4.3` through the referenced macros. */
function expandOid(name, oidMacros, seen = new Set()) {
  const raw = oidMacros.get(name);
  if (raw === undefined) throw new Error(`unknown OID macro OBJ_${name}`);
  if (seen.has(name)) throw new Error(`OID macro cycle at OBJ_${name}`);
  seen.add(name);
  return raw.split(',').map((part) => {
    const token = part.trim();
    if (/^\d+L$/.test(token)) return token.slice(0, -1);
    if (token.startsWith('OBJ_')) return expandOid(token.slice(4), oidMacros, seen);
    throw new Error(`unexpected token ${token} in OBJ_${name}`);
  }).join('.');
}

/**
 * Rows sorted by NID. Two objects can share an OID (1.3 is both `ORG` and `identified-organization`); OpenSSL's
 * OBJ_obj2nid answers with the lower NID (`openssl asn1parse -genstr OID:1.3` prints `org`), so the loader
 * keeps the first row per OID as the display name while every row still resolves by name.
 */
function buildRows(text) {
  const { objects, oidMacros } = readDefines(text);
  const rows = [];
  for (const [name, entry] of objects) {
    // NID 0 is OpenSSL's "undefined" placeholder, not an object.
    if (!entry.nid || !oidMacros.has(name)) continue;
    if (entry.short === undefined && entry.long === undefined) continue;
    const oid = expandOid(name, oidMacros);
    const short = entry.short ?? entry.long;
    const long = entry.long ?? entry.short;
    if (/[|\n`\\$]/.test(short + long)) throw new Error(`unexpected character in names of ${oid}`);
    rows.push({ nid: entry.nid, oid, short, long });
  }
  return rows.sort((a, b) => a.nid - b.nid);
}

/** The OpenSSL version of the header's installation, when opensslv.h sits next to it. */
function opensslVersion() {
  try {
    const text = readFileSync(join(dirname(headerPath), 'opensslv.h'), 'utf8');
    return /OPENSSL_FULL_VERSION_STR\s+"([^"]+)"/.exec(text)?.[1] ?? 'unknown version';
  } catch {
    return 'unknown version';
  }
}

/** One row per object: `oid|short|long`, with `long` left empty when it equals `short`. */
function render(rows) {
  const table = rows.map(({ oid, short, long }) => `${oid}|${short}|${long === short ? '' : long}`).join('\n');
  return `// GENERATED FILE, do not edit: run \`node scripts/gen-oid-names.mjs\` to regenerate.
// Source: obj_mac.h of OpenSSL ${opensslVersion()}, ${rows.length} objects with an OID.
/**
 * OpenSSL's names for object identifiers, as its \`-nameopt RFC2253\` printer uses them for attribute types.
 * @module
 */

/** What {@link attributeByName} resolves a name to. */
export interface AttributeName {
  /** Dotted OID. */
  readonly oid: string;
  /** OpenSSL's display name (short name, else long name), or \`undefined\` for an OID OpenSSL does not know. */
  readonly type: string | undefined;
}

// One line per object, in NID order: dotted OID|short name|long name (empty when equal to the short name).
// When two objects share an OID (1.3), the first line is the one OpenSSL's OBJ_obj2nid returns.
const TABLE = \`${table}\`;

const byOid = new Map<string, AttributeName>();
const byExactName = new Map<string, AttributeName>();
const byLowerShortName = new Map<string, AttributeName>();
const byLowerLongName = new Map<string, AttributeName>();

for (const line of TABLE.split('\\n')) {
  const [oid = '', short = '', long = ''] = line.split('|');
  const own = Object.freeze({ oid, type: short });
  const entry = byOid.get(oid) ?? own;
  if (entry === own) byOid.set(oid, own);
  // Exact spellings first so the usual \`CN\` / \`commonName\` need no lowercasing on the hot path.
  if (!byExactName.has(short)) byExactName.set(short, entry);
  if (!byLowerShortName.has(short.toLowerCase())) byLowerShortName.set(short.toLowerCase(), entry);
  const longName = long === '' ? short : long;
  if (!byExactName.has(longName)) byExactName.set(longName, entry);
  if (!byLowerLongName.has(longName.toLowerCase())) byLowerLongName.set(longName.toLowerCase(), entry);
}

/** \`true\` for a dotted OID of at least two arcs without leading zeros (RFC 4512 \`numericoid\`). */
export function isNumericOid(text: string): boolean {
  let arcs = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || (leadingZero && digits > 1)) return false;
      arcs++;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 0) leadingZero = c === 0x30;
      digits++;
    } else {
      return false;
    }
  }
  return arcs >= 2;
}

/** The attribute for a dotted OID: OpenSSL's display name when it knows the OID. */
export function attributeByOid(oid: string): AttributeName {
  return byOid.get(oid) ?? { oid, type: undefined };
}

/**
 * Resolves an attribute type written as an OpenSSL short name (\`CN\`, \`SN\` = surname, \`GN\`), a long name
 * (\`commonName\`, \`organizationIdentifier\`), both case-insensitive, or a dotted OID (optionally \`OID.\`-prefixed).
 * Returns \`undefined\` for a name OpenSSL does not know or text that is no dotted OID.
 */
export function attributeByName(name: string): AttributeName | undefined {
  const exact = byExactName.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  const known = byLowerShortName.get(lower) ?? byLowerLongName.get(lower);
  if (known !== undefined) return known;
  const dotted = lower.startsWith('oid.') ? name.slice(4) : name;
  return isNumericOid(dotted) ? attributeByOid(dotted) : undefined;
}

/** OpenSSL's display name for \`oid\` (what \`openssl x509 -nameopt RFC2253\` prints), else the dotted OID itself. */
export function displayName(oid: string): string {
  return byOid.get(oid)?.type ?? oid;
}
`;
}

const rows = buildRows(readFileSync(headerPath, 'utf8'));
writeFileSync(outputPath, render(rows));
console.log(`wrote ${rows.length} objects to ${outputPath}`);
