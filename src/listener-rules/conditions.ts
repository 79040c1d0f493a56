/**
 * ALB listener-rule conditions (`http-header`, `path-pattern`, `host-header`, `http-request-method`,
 * `query-string`, `source-ip`) compiled into request tests, with ALB's documented semantics: values of one
 * condition are ORed; header names, header values, hosts and query strings compare without ASCII case,
 * paths and methods with case; `*` / `?` wildcards everywhere but methods and source IPs.
 * @module
 */
import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';
import { compileGlob } from './glob.js';
import { canonicalPeerIp } from '../core/der/ip.js';
import { isPlainObject } from '../core/match/match-compile.js';
import { MtlsConfigError } from '../core/errors.js';
import { hostOf, pathOf, queryPairs } from './request.js';
import { didYouMean } from '../core/options/suggest.js';
import { ownOptions } from '../core/options/own.js';
import { checkKnownKeys, headerNameOption } from '../core/options/readers.js';

/** A compiled condition. May throw (`ERR_MTLS_NOT_CONFIGURED`); the caller passes that to `next`. */
export type RequestTest = (req: Request) => boolean;

/** What the rule compiler needs to know about one compiled condition. */
export interface CompiledCondition {
  readonly test: RequestTest;
  /** For `http-header`: the lowercase header name. */
  readonly header?: string;
  /** The condition's patterns, for warnings. */
  readonly values: readonly string[];
}

/** Per-condition context supplied by `fromListenerRules`. */
export interface ConditionContext {
  /**
   * For an `http-header` condition on a lowercase header name: whether a request may be matched on that
   * header at all (an mTLS header needs a certificate `albMtls()` accepted). May throw `ERR_MTLS_NOT_CONFIGURED`.
   */
  readonly headerGate: (header: string) => RequestTest;
  /** Reads the client address for `source-ip`. */
  readonly clientIp: (req: Request) => string | undefined;
}

type Config = Record<string, unknown>;
type ConfigCompiler = (config: Config, path: string, ctx: ConditionContext) => CompiledCondition;


function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new MtlsConfigError(path, 'expected a non-empty array of strings');
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string' || v === '') throw new MtlsConfigError(`${path}[${i}]`, 'expected a non-empty string');
    return v;
  });
}

function anyGlob(patterns: readonly string[], caseInsensitive: boolean): (input: string) => boolean {
  const tests = patterns.map((p) => compileGlob(p, { caseInsensitive, escapes: false }));
  return (input) => tests.some((t) => t(input));
}

function headerCondition(config: Config, path: string, ctx: ConditionContext): CompiledCondition {
  const header = headerNameOption(config.HttpHeaderName, `${path}.HttpHeaderName`);
  const values = stringList(config.Values, `${path}.Values`);
  const matches = anyGlob(values, true);
  const usable = ctx.headerGate(header);
  const test: RequestTest = (req) => {
    // An mTLS header means something only once albMtls() accepted the certificate (it strips spoofed ones).
    if (!usable(req)) return false;
    const raw = req.rawHeaders;
    // ALB: "If the same header appears multiple times in the request, we search them in order".
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i]!.toLowerCase() === header && matches(raw[i + 1]!)) return true;
    }
    return false;
  };
  return { test, header, values };
}

function queryCondition(config: Config, path: string): CompiledCondition {
  const list: unknown = config.Values;
  if (!Array.isArray(list) || list.length === 0) throw new MtlsConfigError(`${path}.Values`, 'expected a non-empty array of { Key?, Value }');
  const glob = (pattern: string): ((s: string) => boolean) => compileGlob(pattern, { caseInsensitive: true, escapes: true });
  const pairs = list.map((pair: unknown, i) => {
    const { Key: key, Value: value } = isPlainObject(pair) ? ownOptions(pair) : {};
    if (typeof value !== 'string' || value === '' || (key !== undefined && (typeof key !== 'string' || key === ''))) {
      throw new MtlsConfigError(`${path}.Values[${i}]`, 'expected { Key?: string, Value: string }, both non-empty');
    }
    return { key: typeof key === 'string' ? glob(key) : undefined, value: glob(value), text: `${typeof key === 'string' ? key : ''}=${value}` };
  });
  const test: RequestTest = (req) => {
    const params = queryPairs(req);
    return pairs.some(({ key, value }) => params.some(([k, v]) => (key === undefined || key(k)) && value(v)));
  };
  return { test, values: pairs.map((p) => p.text) };
}

function sourceIpCondition(config: Config, path: string, ctx: ConditionContext): CompiledCondition {
  const values = stringList(config.Values, `${path}.Values`);
  const blocks = new BlockList();
  values.forEach((cidr, i) => {
    const [address = '', prefix = '', extra] = cidr.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) {
      throw new MtlsConfigError(`${path}.Values[${i}]`, 'expected a CIDR block such as 203.0.113.0/24 or 2001:db8::/32 (one address: /32, /128)');
    }
    blocks.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  });
  const test: RequestTest = (req) => {
    const ip = canonicalPeerIp(ctx.clientIp(req) ?? ''); // IPv4-mapped (`::ffff:10.0.0.1`) counts as IPv4
    return ip !== undefined && blocks.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  };
  return { test, values };
}

function methodCondition(config: Config, path: string): CompiledCondition {
  const values = stringList(config.Values, `${path}.Values`);
  values.forEach((m, i) => {
    if (/^[A-Z_-]+$/.test(m)) return;
    throw new MtlsConfigError(`${path}.Values[${i}]`, 'expected a method in A-Z, - and _ (exact, no wildcards), such as GET');
  });
  const set = new Set(values);
  return { test: (req) => set.has(req.method), values };
}

function globCondition(read: (req: Request) => string | undefined, caseInsensitive: boolean): ConfigCompiler {
  return (config, path) => {
    const values = stringList(config.Values, `${path}.Values`);
    const matches = anyGlob(values, caseInsensitive);
    return { test: (req) => { const v = read(req); return v !== undefined && matches(v); }, values };
  };
}

/** Per `Field`: its config key, and the compiler of that config. */
const FIELDS: Readonly<Record<string, readonly [configKey: string, compile: ConfigCompiler]>> = {
  'http-header': ['HttpHeaderConfig', headerCondition],
  'path-pattern': ['PathPatternConfig', globCondition(pathOf, false)],
  'host-header': ['HostHeaderConfig', globCondition((req) => hostOf(req)?.name, true)],
  'http-request-method': ['HttpRequestMethodConfig', methodCondition],
  'query-string': ['QueryStringConfig', queryCondition],
  'source-ip': ['SourceIpConfig', sourceIpCondition],
};

function configOf(condition: Config, field: string, key: string, path: string): Config {
  const given = condition[key];
  const config = isPlainObject(given) ? ownOptions(given) : given;
  // Legacy form: `Values` on the condition itself (path-pattern and host-header only).
  if (config === undefined && (field === 'path-pattern' || field === 'host-header')) return { Values: condition.Values };
  if (!isPlainObject(config)) throw new MtlsConfigError(`${path}.${key}`, `expected an object for Field "${field}"`);
  const known = field === 'http-header' ? ['HttpHeaderName', 'Values'] : ['Values'];
  if (Object.hasOwn(config, 'RegexValues')) {
    throw new MtlsConfigError(`${path}.${key}.RegexValues`, 'regex conditions are not supported here; use Values with * and ? wildcards, or a matcher');
  }
  checkKnownKeys(config, known, `${path}.${key}`);
  return config;
}

/**
 * Compiles one condition of a listener rule.
 * @throws MtlsConfigError for an unsupported `Field`, a missing or malformed config, or bad values.
 */
export function compileCondition(given: unknown, path: string, ctx: ConditionContext): CompiledCondition {
  if (!isPlainObject(given)) throw new MtlsConfigError(path, 'expected a condition object { Field, ...Config }');
  const condition = ownOptions(given);
  const field = condition.Field;
  const names = Object.keys(FIELDS);
  if (typeof field !== 'string' || !Object.hasOwn(FIELDS, field)) {
    const hint = typeof field === 'string' ? didYouMean(field, names) : '';
    throw new MtlsConfigError(`${path}.Field`, `is not a supported condition; use ${names.join(', ')}.${hint}`);
  }
  const [key, compile] = FIELDS[field]!;
  for (const k of Object.keys(condition)) {
    if (k === 'Field' || k === 'Values' || k === key) continue;
    throw new MtlsConfigError(`${path}.${k}`, `does not belong to a "${field}" condition; use ${key}`);
  }
  return compile(configOf(condition, field, key, path), path, ctx);
}
