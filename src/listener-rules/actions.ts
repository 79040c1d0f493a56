/**
 * ALB listener-rule actions run in the app: `fixed-response`, `redirect` (with `#{host}`, `#{path}`,
 * `#{port}`, `#{protocol}`, `#{query}`) and `forward` (to handlers or routers keyed by target group ARN or
 * name). Validated at construction; during a request an action only writes the response or calls a handler.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isPlainObject } from '../core/match/match-compile.js';
import { checkHandler, invokeHandler } from '../dispatch.js';
import { MtlsConfigError } from '../core/errors.js';
import { hostOf, pathOf, queryOf } from './request.js';
import { didYouMean } from '../core/options/suggest.js';
import { ownOptions } from '../core/options/own.js';
import { readOptions } from '../core/options/readers.js';

/** A compiled action. */
export type RuleAction = (req: Request, res: Response, next: NextFunction) => void;

/** Handlers or routers by target group ARN (`arn:aws:elasticloadbalancing:...:targetgroup/tg-a/73e2...`) or name (`tg-a`). */
export type ListenerTargets = Readonly<Record<string, RequestHandler>>;

type Config = Record<string, unknown>;

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];
const PLACEHOLDER = /#\{([a-z]+)\}/g;
const PLACEHOLDERS = ['host', 'path', 'port', 'protocol', 'query'];
const URL_PARTS = ['Protocol', 'Host', 'Port', 'Path', 'Query'];
// A Map: an object literal would answer "constructor" or "toString" with an Object.prototype member.
const REDIRECT_STATUS: ReadonlyMap<string, number> = new Map([['HTTP_301', 301], ['HTTP_302', 302]]);

function objectAt(value: unknown, path: string, known: readonly string[]): Config {
  if (!isPlainObject(value)) throw new MtlsConfigError(path, `expected an object with ${known.join(', ')}`);
  return readOptions(value, known, path);
}

function fixedResponse(action: Config, path: string): RuleAction {
  const p = `${path}.FixedResponseConfig`;
  const config = objectAt(action.FixedResponseConfig, p, ['StatusCode', 'ContentType', 'MessageBody']);
  const { StatusCode: status, ContentType: type, MessageBody: body } = config;
  if (typeof status !== 'string' || !/^[245]\d\d$/.test(status)) {
    throw new MtlsConfigError(`${p}.StatusCode`, 'expected a 2XX, 4XX or 5XX status as a string, such as "200"');
  }
  if (type !== undefined && (typeof type !== 'string' || !CONTENT_TYPES.includes(type))) {
    throw new MtlsConfigError(`${p}.ContentType`, `expected one of ${CONTENT_TYPES.join(', ')}`);
  }
  if (body !== undefined && typeof body !== 'string') throw new MtlsConfigError(`${p}.MessageBody`, 'expected a string');
  const code = Number(status);
  return (_req, res) => {
    res.statusCode = code;
    if (type !== undefined) res.setHeader('Content-Type', `${type}; charset=utf-8`);
    res.end(body ?? '');
  };
}

/** The original request's parts, as ALB's redirect placeholders see them. */
function requestParts(req: Request): Record<string, string> {
  const protocol = req.protocol === 'https' ? 'https' : 'http';
  const host = hostOf(req);
  const forwarded = req.headers['x-forwarded-port']; // set by ALB: the port the client connected to
  const port = typeof forwarded === 'string' && /^\d{1,5}$/.test(forwarded) ? forwarded
    : host !== undefined && /^\d{1,5}$/.test(host.port) ? host.port : protocol === 'https' ? '443' : '80';
  return { protocol, host: host?.name ?? '', port, path: pathOf(req), query: queryOf(req) };
}

function template(value: unknown, fallback: string, path: string): (parts: Record<string, string>) => string {
  const text = value ?? fallback;
  if (typeof text !== 'string') throw new MtlsConfigError(path, 'expected a string');
  for (const [, name = ''] of text.matchAll(PLACEHOLDER)) {
    if (PLACEHOLDERS.includes(name)) continue;
    throw new MtlsConfigError(path, `unknown placeholder #{${name}}; use ${PLACEHOLDERS.map((p) => `#{${p}}`).join(', ')}`);
  }
  return (parts) => text.replace(PLACEHOLDER, (_, name: string) => parts[name] ?? '');
}

function checkRedirect(config: Config, p: string): number {
  const status = REDIRECT_STATUS.get(String(config.StatusCode));
  if (status === undefined) throw new MtlsConfigError(`${p}.StatusCode`, 'expected "HTTP_301" or "HTTP_302"');
  if (config.Protocol !== undefined && !['HTTP', 'HTTPS', '#{protocol}'].includes(String(config.Protocol))) {
    throw new MtlsConfigError(`${p}.Protocol`, 'expected "HTTP", "HTTPS" or "#{protocol}"');
  }
  if (config.Port !== undefined && !/^(?:#\{port\}|[1-9]\d{0,4})$/.test(String(config.Port))) {
    throw new MtlsConfigError(`${p}.Port`, 'expected a port number as a string, or "#{port}"');
  }
  if (typeof config.Path === 'string' && !config.Path.startsWith('/')) throw new MtlsConfigError(`${p}.Path`, 'must start with /');
  if (URL_PARTS.every((k) => config[k] === undefined || config[k] === `#{${k.toLowerCase()}}`)) {
    throw new MtlsConfigError(p, `redirects to the same URL (a loop); change at least one of ${URL_PARTS.join(', ')}`);
  }
  return status;
}

function redirect(action: Config, path: string): RuleAction {
  const p = `${path}.RedirectConfig`;
  const config = objectAt(action.RedirectConfig, p, [...URL_PARTS, 'StatusCode']);
  const status = checkRedirect(config, p);
  const templates = new Map(URL_PARTS.map((k) => {
    const value = k === 'Protocol' && typeof config[k] === 'string' ? config[k].toLowerCase() : config[k];
    return [k, template(value, `#{${k.toLowerCase()}}`, `${p}.${k}`)] as const;
  }));
  return (req, res) => {
    const original = requestParts(req);
    const [scheme, host, port, urlPath, query] = URL_PARTS.map((k) => templates.get(k)!(original)) as [string, ...string[]];
    const defaultPort = (scheme === 'https' && port === '443') || (scheme === 'http' && port === '80');
    res.statusCode = status;
    res.setHeader('Location', `${scheme}://${host}${defaultPort ? '' : `:${port}`}${urlPath}${query ? `?${query}` : ''}`);
    res.end();
  };
}

/** The target group name inside an ARN (`...:targetgroup/<name>/<id>`), or `undefined`. */
export function targetGroupName(arn: string): string | undefined {
  return /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:targetgroup\/([^/]+)\/[^/]+$/.exec(arn)?.[1];
}

function resolveTarget(arn: unknown, targets: ListenerTargets, path: string): RequestHandler {
  if (typeof arn !== 'string' || arn === '') throw new MtlsConfigError(path, 'expected a target group ARN');
  const name = targetGroupName(arn);
  const key = Object.hasOwn(targets, arn) ? arn : name !== undefined && Object.hasOwn(targets, name) ? name : undefined;
  if (key !== undefined) return checkHandler(targets[key], `targets["${key}"]`);
  const lookedUp = `looked up by ARN${name === undefined ? '' : ` and by name "${name}"`}`;
  throw new MtlsConfigError(path, `names no entry of targets (${lookedUp}); known: ${Object.keys(targets).join(', ') || 'none'}`);
}

function forwardGroups(action: Config, path: string, targets: ListenerTargets): Array<{ handler: RequestHandler; weight: number }> {
  if (action.ForwardConfig === undefined) return [{ handler: resolveTarget(action.TargetGroupArn, targets, `${path}.TargetGroupArn`), weight: 1 }];
  const p = `${path}.ForwardConfig`;
  const config = objectAt(action.ForwardConfig, p, ['TargetGroups', 'TargetGroupStickinessConfig']);
  if (!Array.isArray(config.TargetGroups) || config.TargetGroups.length === 0) {
    throw new MtlsConfigError(`${p}.TargetGroups`, 'expected a non-empty array');
  }
  const groups = config.TargetGroups.map((g: unknown, i) => {
    const group = objectAt(g, `${p}.TargetGroups[${i}]`, ['TargetGroupArn', 'Weight']);
    const weight = group.Weight ?? 1;
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 999) {
      throw new MtlsConfigError(`${p}.TargetGroups[${i}].Weight`, 'expected an integer from 0 to 999');
    }
    return { handler: resolveTarget(group.TargetGroupArn, targets, `${p}.TargetGroups[${i}].TargetGroupArn`), weight };
  }).filter((g) => g.weight > 0);
  if (groups.length === 0) throw new MtlsConfigError(`${p}.TargetGroups`, 'every weight is 0: nothing to forward to');
  const sticky = isPlainObject(config.TargetGroupStickinessConfig) && config.TargetGroupStickinessConfig.Enabled === true;
  if (sticky && groups.length > 1) {
    throw new MtlsConfigError(`${p}.TargetGroupStickinessConfig`,
      'group stickiness cannot be emulated in the app; disable it or forward to one group');
  }
  return groups;
}

function forward(action: Config, path: string, targets: ListenerTargets): RuleAction {
  const groups = forwardGroups(action, path, targets);
  const total = groups.reduce((sum, g) => sum + g.weight, 0);
  return (req, res, next) => {
    let pick = Math.random() * total; // weighted choice, as ALB spreads requests over target groups
    const chosen = groups.find((g) => (pick -= g.weight) < 0) ?? groups[groups.length - 1]!;
    invokeHandler(chosen.handler, req, res, next);
  };
}

const OWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  'fixed-response': ['FixedResponseConfig'], redirect: ['RedirectConfig'], forward: ['TargetGroupArn', 'ForwardConfig'],
};

/**
 * Compiles the action of a rule; `authenticate-*` and other types are refused.
 * @throws MtlsConfigError for an unsupported type, a bad config or an unknown target.
 */
export function compileAction(given: unknown, path: string, targets: ListenerTargets): RuleAction {
  if (!isPlainObject(given)) throw new MtlsConfigError(path, 'expected an action object { Type, ...Config }');
  const action = ownOptions(given);
  const type = action.Type;
  const own = typeof type === 'string' && Object.hasOwn(OWN_KEYS, type) ? OWN_KEYS[type]! : undefined;
  if (own === undefined) {
    const supported = Object.keys(OWN_KEYS);
    const name = typeof type === 'string' ? type : '';
    const why = name.startsWith('authenticate-') ? 'authentication actions run in ALB and cannot be emulated' : 'is not a supported action';
    throw new MtlsConfigError(`${path}.Type`, `${why}; use ${supported.join(', ')}.${didYouMean(name, supported)}`);
  }
  for (const key of Object.keys(action)) {
    if (key === 'Type' || key === 'Order' || own.includes(key)) continue;
    throw new MtlsConfigError(`${path}.${key}`, `does not belong to a "${String(type)}" action; use ${own.join(', ')}`);
  }
  if (type === 'fixed-response') return fixedResponse(action, path);
  return type === 'redirect' ? redirect(action, path) : forward(action, path, targets);
}
