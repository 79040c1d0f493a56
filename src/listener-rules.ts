/**
 * `fromListenerRules(rules, targets)`: ALB listener rules, in the JSON of `aws elbv2 describe-rules` or
 * `create-rule`, run inside the app, where the mTLS headers exist. ALB evaluates its rules before it adds
 * the `X-Amzn-Mtls-Clientcert-*` headers, so a rule on them never matches there; here it does.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hasWildcard } from './core/glob.js';
import { DEFAULT_HEADER_NAMES } from './core/headers.js';
import { isPlainObject } from './core/match-compile.js';
import { MtlsConfigError } from './errors.js';
import { assertCalled } from './guards.js';
import { compileAction, type ListenerTargets, type RuleAction } from './listener-actions.js';
import { compileCondition, type CompiledCondition, type ConditionContext, type RequestTest } from './listener-conditions.js';
import { certificateOf } from './request-state.js';
import { didYouMean } from './suggest.js';

export type { ListenerTargets } from './listener-actions.js';

/**
 * One rule as `aws elbv2 describe-rules` prints it (`Priority` a string, `"default"` for the default rule)
 * or as `create-rule` takes it (`Priority` a number).
 */
export interface ListenerRule {
  /** 1 to 50000, lowest first; `"default"` for the listener's default rule (evaluated last). */
  readonly Priority?: string | number;
  /** `{ Field, ...Config }` conditions, all of which must match; empty only for the default rule. */
  readonly Conditions?: readonly unknown[];
  /** Exactly one `fixed-response`, `redirect` or `forward` action. */
  readonly Actions: readonly unknown[];
  /** `true` for the default rule (describe-rules). */
  readonly IsDefault?: boolean;
  /** Ignored. */
  readonly RuleArn?: string;
  /** Ignored (create-rule input). */
  readonly ListenerArn?: string;
  /** Ignored (create-rule input). */
  readonly Tags?: readonly unknown[];
}

/** Options of {@link fromListenerRules}. */
export interface ListenerRulesOptions {
  /**
   * Client address for `source-ip` (ALB uses the client's address, not `X-Forwarded-For`).
   * Default: `req.ip`, so set Express's `trust proxy` behind ALB.
   */
  readonly clientIp?: (req: Request) => string | undefined;
  /** Receives construction warnings instead of `process.emitWarning`. */
  readonly onWarning?: (message: string, code: string) => void;
}

/** Code of the warning for a wildcard on an mTLS header. */
export const WILDCARD_DN_WARNING = 'EXPRESS_ALB_MTLS_WILDCARD_HEADER';

const RULE_KEYS = ['Priority', 'Conditions', 'Actions', 'IsDefault', 'RuleArn', 'ListenerArn', 'Tags'];
const MTLS_HEADERS: ReadonlySet<string> = new Set(Object.values(DEFAULT_HEADER_NAMES));

/** Sorts after every numbered rule. */
const DEFAULT_PRIORITY = Number.POSITIVE_INFINITY;

interface CompiledRule {
  readonly priority: number;
  readonly conditions: readonly RequestTest[];
  readonly action: RuleAction;
}

function priorityOf(rule: Record<string, unknown>, path: string): number {
  const { Priority: priority, IsDefault: isDefault } = rule;
  if (priority === 'default' || (priority === undefined && isDefault === true)) return DEFAULT_PRIORITY;
  const n = typeof priority === 'string' && /^\d+$/.test(priority) ? Number(priority) : priority;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 50000) {
    throw new MtlsConfigError(`${path}.Priority`, 'expected an integer from 1 to 50000 (or "default" for the default rule)');
  }
  if (isDefault === true) {
    throw new MtlsConfigError(`${path}.IsDefault`, 'is true but Priority is a number; the default rule has Priority "default"');
  }
  return n;
}

type Warn = (message: string, code: string) => void;

function warnAboutWildcards(conditions: readonly CompiledCondition[], label: string, warn: Warn): void {
  const risky = conditions.find((c) => c.header !== undefined && MTLS_HEADERS.has(c.header) && c.values.some((v) => hasWildcard(v)));
  if (risky === undefined) return;
  warn(`${label} matches ${risky.header} with a wildcard (${risky.values.join(', ')}). On a DN header a wildcard is a ` +
    'substring match: "*CN=clientA*" also accepts CN=clientAdmin and OU=CN=clientA. Authorize with a parsed matcher ' +
    "instead: requireCN('clientA'), or routeByCert([[{ cn: 'clientA' }, handler]]).", WILDCARD_DN_WARNING);
}

function compileConditions(rule: Record<string, unknown>, isDefault: boolean, path: string, ctx: ConditionContext): CompiledCondition[] {
  const list = rule.Conditions ?? [];
  if (!Array.isArray(list)) throw new MtlsConfigError(`${path}.Conditions`, 'expected an array');
  if (list.length === 0 && !isDefault) throw new MtlsConfigError(`${path}.Conditions`, 'is empty; only the default rule has no conditions');
  if (list.length > 0 && isDefault) throw new MtlsConfigError(`${path}.Conditions`, 'the default rule cannot have conditions');
  return list.map((c: unknown, i) => compileCondition(c, `${path}.Conditions[${i}]`, ctx));
}

function compileActions(actions: unknown, path: string, targets: ListenerTargets): RuleAction {
  if (!Array.isArray(actions) || actions.length === 0) throw new MtlsConfigError(path, 'expected a non-empty array of actions');
  if (actions.length > 1) {
    throw new MtlsConfigError(path, 'has several actions; one fixed-response, redirect or forward action is supported ' +
      '(authenticate-* actions run in ALB)');
  }
  return compileAction(actions[0], `${path}[0]`, targets);
}

function compileRule(rule: unknown, path: string, targets: ListenerTargets, ctx: ConditionContext, warn: Warn): CompiledRule {
  if (!isPlainObject(rule)) throw new MtlsConfigError(path, 'expected a rule object { Priority, Conditions, Actions }');
  for (const key of Object.keys(rule)) {
    if (RULE_KEYS.includes(key)) continue;
    throw new MtlsConfigError(`${path}.${key}`, `is not supported; use ${RULE_KEYS.join(', ')}.${didYouMean(key, RULE_KEYS)}`);
  }
  const priority = priorityOf(rule, path);
  const isDefault = priority === DEFAULT_PRIORITY;
  const conditions = compileConditions(rule, isDefault, path, ctx);
  warnAboutWildcards(conditions, `Listener rule ${isDefault ? 'default' : priority} (${path})`, warn);
  return { priority, conditions: conditions.map((c) => c.test), action: compileActions(rule.Actions, `${path}.Actions`, targets) };
}

function compileRules(input: unknown, targets: ListenerTargets, ctx: ConditionContext, warn: Warn): CompiledRule[] {
  // Accept the whole describe-rules output ({ Rules: [...] }) as well as its Rules array.
  const rules = isPlainObject(input) && Array.isArray(input.Rules) ? input.Rules : input;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new MtlsConfigError('rules', 'expected a non-empty array of listener rules (describe-rules .Rules)');
  }
  const compiled = rules.map((rule: unknown, i) => compileRule(rule, `rules[${i}]`, targets, ctx, warn));
  const seen = new Map<number, number>();
  compiled.forEach((rule, i) => {
    const other = seen.get(rule.priority);
    if (other !== undefined) throw new MtlsConfigError(`rules[${i}].Priority`, `repeats the priority of rules[${other}]`);
    seen.set(rule.priority, i);
  });
  return compiled.sort((a, b) => a.priority - b.priority);
}

function checkOptions(options: unknown): Required<ListenerRulesOptions> {
  const known = ['clientIp', 'onWarning'];
  if (options !== undefined && !isPlainObject(options)) throw new MtlsConfigError('options', `expected an object (${known.join(', ')})`);
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new MtlsConfigError(`options.${key}`, `is not an option; use ${known.join(', ')}.${didYouMean(key, known)}`);
    if (typeof o[key] !== 'function' && o[key] !== undefined) throw new MtlsConfigError(`options.${key}`, 'expected a function');
  }
  const defaultWarn: Warn = (message, code) => process.emitWarning(message, { code });
  return {
    clientIp: (o.clientIp as ListenerRulesOptions['clientIp']) ?? ((req) => req.ip),
    onWarning: (o.onWarning as Warn | undefined) ?? defaultWarn,
  };
}

function matches(rule: CompiledRule, req: Request): boolean {
  for (const test of rule.conditions) if (!test(req)) return false;
  return true;
}

/**
 * Runs ALB listener rules in the app: rules by `Priority` (the default rule last), conditions ANDed, the
 * values of a condition ORed, ALB's `*`/`?` wildcards; the first matching rule's action answers (or forwards
 * to `targets`); when none matches, `next()`. A rule on an mTLS header needs `albMtls()` before it and
 * matches only requests whose certificate it accepted.
 * @param rules describe-rules `Rules` (or the whole output), or create-rule inputs.
 * @param targets Handlers or routers by target group ARN or name, for `forward` actions.
 * @throws MtlsConfigError at construction for unsupported conditions or actions, unknown targets, bad values.
 */
export function fromListenerRules(
  rules: readonly ListenerRule[], targets: ListenerTargets = {}, options?: ListenerRulesOptions,
): RequestHandler {
  // eslint-disable-next-line prefer-rest-params
  assertCalled('fromListenerRules', Array.from(arguments));
  if (!isPlainObject(targets)) throw new MtlsConfigError('targets', 'expected an object of handlers by target group ARN or name');
  const { clientIp, onWarning } = checkOptions(options);
  const hasCertificate = (req: Request): boolean => certificateOf(req) !== undefined;
  const ctx: ConditionContext = { mtlsHeaders: MTLS_HEADERS, clientIp, hasCertificate };
  const compiled = compileRules(rules, targets as ListenerTargets, ctx, onWarning);
  return function listenerRules(req: Request, res: Response, next: NextFunction): void {
    let chosen: CompiledRule | undefined;
    try {
      chosen = compiled.find((rule) => matches(rule, req));
    } catch (error) {
      next(error); // ERR_MTLS_NOT_CONFIGURED: an mTLS-header rule without albMtls() before it
      return;
    }
    if (chosen === undefined) next();
    else chosen.action(req, res, next);
  };
}
