#!/usr/bin/env node
// Generates src/core/der/oid-table.ts (data only; the lookups live in src/core/der/oid-names.ts) from OpenSSL's
// obj_mac.h: for every object with an OID, its short name, long name and dotted OID, exactly as OpenSSL's
// printer names attribute types.
//
// Usage: node scripts/gen-oid-names.mjs [path/to/obj_mac.h] [path/to/oid-table.ts]
// Defaults: /usr/include/openssl/obj_mac.h -> src/core/der/oid-table.ts. Re-run after an OpenSSL upgrade.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const headerPath = process.argv[2] ?? '/usr/include/openssl/obj_mac.h';
const outputPath = process.argv[3] ?? join(root, 'src/core/der/oid-table.ts');

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
    if (/[|;\n`\\$]/.test(short + long)) throw new Error(`unexpected character in names of ${oid}`);
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

/** Rows `oid|short|long` (`long` empty when it equals `short`), eight to a line, `;` between rows. */
function render(rows) {
  const cells = rows.map(({ oid, short, long }) => `${oid}|${short}|${long === short ? '' : long}`);
  const lines = [];
  for (let i = 0; i < cells.length; i += 8) lines.push(cells.slice(i, i + 8).join(';'));
  return `// GENERATED FILE, do not edit: run \`node scripts/gen-oid-names.mjs\` to regenerate.
// Source: obj_mac.h of OpenSSL ${opensslVersion()}, ${rows.length} objects with an OID.
/**
 * OpenSSL's object names as data, read by \`oid-names.ts\`: rows \`dotted OID|short name|long name\` (long
 * name empty when equal to the short name) in NID order, separated by \`;\` and line breaks. When two objects
 * share an OID (1.3), the first row is the one OpenSSL's OBJ_obj2nid returns.
 * @module
 */

/** The rows, in NID order. */
export const OID_TABLE = \`${lines.join('\n')}\`;
`;
}

const rows = buildRows(readFileSync(headerPath, 'utf8'));
writeFileSync(outputPath, render(rows));
console.log(`wrote ${rows.length} objects to ${outputPath}`);
