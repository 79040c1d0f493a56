/**
 * Structure-aware DER mutation: parse the element tree (a tiny reader of our own, not the one under test),
 * change one node, and re-encode with correct lengths, so the mutation reaches the semantic checks behind
 * the length checks (string types, surrogates, OIDs, times, extension contents).
 */
import type { Rng } from './fuzz-mutate.js';

interface Node {
  tag: number;
  content: number[];
  children: Node[] | undefined;
}

function parse(bytes: Uint8Array, start: number, end: number, depth: number): Node[] | undefined {
  const out: Node[] = [];
  let at = start;
  while (at < end) {
    if (at + 2 > end || depth > 64) return undefined;
    const tag = bytes[at]!;
    let length = bytes[at + 1]!;
    let head = 2;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 3 || at + 2 + n > end) return undefined;
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + bytes[at + 2 + i]!;
      head += n;
    }
    const contentEnd = at + head + length;
    if (contentEnd > end || (tag & 0x1f) === 0x1f) return undefined;
    const children = tag & 0x20 ? parse(bytes, at + head, contentEnd, depth + 1) : undefined;
    if (tag & 0x20 && children === undefined) return undefined;
    out.push({ tag, content: children ? [] : Array.from(bytes.subarray(at + head, contentEnd)), children });
    at = contentEnd;
  }
  return out;
}

function encode(node: Node): number[] {
  const body = node.children ? node.children.flatMap(encode) : node.content;
  const length: number[] = [];
  if (body.length < 0x80) length.push(body.length);
  else {
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) length.unshift(n & 0xff);
    length.unshift(0x80 | length.length);
  }
  return [node.tag, ...length, ...body];
}

function allNodes(nodes: Node[], out: Node[] = []): Node[] {
  for (const node of nodes) {
    out.push(node);
    if (node.children) allNodes(node.children, out);
  }
  return out;
}

/** Directory-string tags, and contents that stress their decoders. */
const STRING_TAGS = [0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e, 0x04, 0x03, 0x17, 0x18, 0x06, 0x02, 0x01];
const CONTENTS = [[0xd8, 0x00], [0xdc, 0x00, 0x00, 0x41], [0xd8, 0x3d, 0xde, 0x00], [0x00, 0x00, 0xd8, 0x00], [0x00, 0x11, 0x00, 0x00],
  [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0x80], [], [0x00], [0xff], [0x80, 0x01], [0x2a, 0x86, 0x48],
  [0x39, 0x39, 0x31, 0x32, 0x33, 0x31, 0x32, 0x33, 0x35, 0x39, 0x35, 0x39, 0x5a], [0x5c, 0x2c, 0x2b, 0x22, 0x20, 0x23]];

/** One structural edit of `input`; `undefined` when it is not a tree this reader understands. */
export function mutateDerTree(input: Uint8Array, rng: Rng): Uint8Array | undefined {
  const roots = parse(input, 0, input.length, 0);
  if (roots === undefined || roots.length === 0) return undefined;
  const nodes = allNodes(roots);
  const node = rng.pick(nodes);
  switch (rng.int(5)) {
    case 0: if (!node.children) node.tag = rng.pick(STRING_TAGS); break;
    case 1: if (!node.children) node.content = [...rng.pick(CONTENTS)]; break;
    case 2: if (!node.children) node.content = node.content.map((b) => (rng.chance(0.2) ? rng.int(256) : b)); break;
    case 3: if (node.children?.length) node.children.push(rng.pick(node.children)); break;
    default: if (node.children?.length) node.children.splice(rng.int(node.children.length), 1); break;
  }
  return Uint8Array.from(roots.flatMap(encode));
}
