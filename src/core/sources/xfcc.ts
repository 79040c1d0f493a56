/**
 * A strict reader of Envoy's `x-forwarded-client-cert` grammar: elements separated by `,`, pairs by `;`,
 * `key=value`, values double-quoted when they hold `,`, `;` or `=`, with `\"` and `\\` escaped inside the
 * quotes. Separators count only outside quotes, so a quoted subject cannot end an element or add a pair;
 * never split on `,` or `;` alone.
 * @module
 */
import { malformed } from './common.js';

/** One `key=value` pair. */
export interface XfccPair {
  /** The key, lowercase (keys are case-insensitive). */
  readonly key: string;
  /** The value as written, outer quotes removed, escapes kept (a DN value is RFC 4514 text already). */
  readonly raw: string;
}

/** One element: the pairs one proxy added, and its text (a cache key). */
export interface XfccElement {
  readonly pairs: readonly XfccPair[];
  readonly text: string;
}

const KEY = /[A-Za-z]+/y;
const SPACES = /[ \t]*/y;

class Reader {
  pos = 0;
  constructor(readonly text: string, readonly header: string) {}
  spaces(): void {
    SPACES.lastIndex = this.pos;
    SPACES.exec(this.text);
    this.pos = SPACES.lastIndex;
  }
  fail(reason: string): never {
    throw malformed(this.header, `${reason} at offset ${this.pos}`);
  }
  key(): string {
    this.spaces();
    KEY.lastIndex = this.pos;
    const match = KEY.exec(this.text);
    if (match === null) this.fail('expected a key');
    this.pos = KEY.lastIndex;
    this.spaces();
    if (this.text[this.pos] !== '=') this.fail('expected "=" after the key');
    this.pos++;
    return match[0].toLowerCase();
  }
  value(): string {
    if (this.text[this.pos] === '"') return this.quoted();
    const start = this.pos;
    while (this.pos < this.text.length && !',;'.includes(this.text[this.pos]!)) {
      if (this.text[this.pos] === '"') this.fail('a quote inside an unquoted value');
      this.pos++;
    }
    return this.text.slice(start, this.pos).trimEnd();
  }
  quoted(): string {
    const start = ++this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    if (this.pos >= this.text.length) this.fail('unterminated quoted value');
    const raw = this.text.slice(start, this.pos++);
    this.spaces();
    if (this.pos < this.text.length && !',;'.includes(this.text[this.pos]!)) this.fail('text after a quoted value');
    return raw;
  }
}

/** Parses a whole XFCC value into its elements, left to right. @throws MtlsError `ERR_MTLS_MALFORMED_HEADER` */
export function parseXfcc(value: string, header: string): XfccElement[] {
  const r = new Reader(value, header);
  const elements: XfccElement[] = [];
  let pairs: XfccPair[] = [];
  let start = 0;
  for (;;) {
    const key = r.key();
    pairs.push({ key, raw: r.value() });
    const separator = r.text[r.pos];
    if (separator === ';') {
      r.pos++;
      continue;
    }
    elements.push({ pairs, text: value.slice(start, r.pos).trim() });
    if (separator === undefined) return elements;
    pairs = [];
    start = ++r.pos;
  }
}

/** Removes the XFCC escapes (`\"`, `\\`) from a value that is not a DN. */
export function unescapeXfcc(raw: string): string {
  return raw.indexOf('\\') === -1 ? raw : raw.replace(/\\(["\\])/g, '$1');
}
