/** Shapes shared by the fuzz targets, the worker that runs them and the corpus on disk. */

/** A fuzz input: header text, DER bytes, or a whole header bag. */
export type FuzzInput = string | Uint8Array | Readonly<Record<string, string>>;

/** The committed seed material (test/fuzz-corpus/seeds.json): certificates made once by `scripts/fuzz.ts --write-seeds`. */
export interface FuzzSeeds {
  /** Client certificates with awkward names, SANs and serials, PEM. */
  readonly certificates: ReadonlyArray<{ readonly name: string; readonly pem: string }>;
  /** Passthrough chains, leaf first, PEM. */
  readonly chains: ReadonlyArray<{ readonly name: string; readonly pems: readonly string[] }>;
  /** The root every chain ends at, PEM. */
  readonly trustStore: string;
  /** An instant (epoch ms) inside every certificate's validity period. */
  readonly now: number;
}

/** One decoder under fuzz. */
export interface FuzzTarget {
  readonly name: string;
  readonly kind: 'string' | 'bytes' | 'headers';
  /** The inputs mutation starts from. */
  readonly seeds: readonly FuzzInput[];
  /** Runs the decoder; throws when it misbehaves (any error `allowed` refuses counts as a crash). */
  run(input: FuzzInput): void;
  /** `true` for the errors the decoder is documented to throw. */
  allowed(error: unknown): boolean;
}

/** A crash, hang or slow input as saved in test/fuzz-corpus/. */
export interface CorpusEntry {
  readonly target: string;
  readonly kind: 'crash' | 'hang' | 'slow';
  /** The input: `{ string }`, `{ hex }` (bytes) or `{ headers }`. */
  readonly input: { readonly string: string } | { readonly hex: string } | { readonly headers: Readonly<Record<string, string>> };
  /** What went wrong (error name and message), for the reader. */
  readonly error: string;
  readonly seed: number;
  readonly iteration: number;
}

/** Encodes an input for JSON. */
export function encodeInput(input: FuzzInput): CorpusEntry['input'] {
  if (typeof input === 'string') return { string: input };
  if (input instanceof Uint8Array) return { hex: Buffer.from(input).toString('hex') };
  return { headers: { ...input } };
}

/** Decodes an input read from JSON. */
export function decodeInput(input: CorpusEntry['input']): FuzzInput {
  if ('string' in input) return input.string;
  if ('hex' in input) return new Uint8Array(Buffer.from(input.hex, 'hex'));
  return input.headers;
}
