/**
 * `fromListenerRules(rules, targets)`: ALB listener rules, in the JSON of `aws elbv2 describe-rules` or
 * `create-rule`, run inside the app, where the mTLS headers exist. ALB evaluates its rules before it adds
 * the `X-Amzn-Mtls-Clientcert-*` headers, so a rule on them never matches there; here it does.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isPlainObject } from '../core/match/match-compile.js';
import { MtlsConfigError } from '../core/errors.js';
import { assertCalled } from '../guards.js';
import { compileAction, type ListenerTargets, type RuleAction } from './actions.js';
import { compileCondition, type CompiledCondition, type ConditionContext, type RequestTest } from './conditions.js';
import { certificateHeaderGate, wildcardWarnings, type LabelledConditions } from './mtls.js';
import { checkListenerOptions, type ListenerRulesOptions } from './options.js';
import { ownOptions } from '../core/options/own.js';
import { checkKnownKeys } from '../core/options/readers.js';

export type { ListenerTargets } from './actions.js';
export type { ListenerRulesOptions } from './options.js';
export { WILDCARD_DN_WARNING } from './mtls.js';

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

const RULE_KEYS = ['Priority', 'Conditions', 'Actions', 'IsDefault', 'RuleArn', 'ListenerArn', 'Tags'];

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

/** Rules compile in input order; `labelled` collects their conditions for the wildcard warnings. */
function compileRule(given: unknown, path: string, targets: ListenerTargets, ctx: ConditionContext, labelled: LabelledConditions[]): CompiledRule {
  if (!isPlainObject(given)) throw new MtlsConfigError(path, 'expected a rule object { Priority, Conditions, Actions }');
  const rule = ownOptions(given);
  checkKnownKeys(rule, RULE_KEYS, path);
  const priority = priorityOf(rule, path);
  const isDefault = priority === DEFAULT_PRIORITY;
  const conditions = compileConditions(rule, isDefault, path, ctx);
  labelled.push({ label: `Listener rule ${isDefault ? 'default' : priority} (${path})`, conditions });
  return { priority, conditions: conditions.map((c) => c.test), action: compileActions(rule.Actions, `${path}.Actions`, targets) };
}

function compileRules(input: unknown, targets: ListenerTargets, ctx: ConditionContext, labelled: LabelledConditions[]): CompiledRule[] {
  // Accept the whole describe-rules output ({ Rules: [...] }) as well as its Rules array.
  const rules = isPlainObject(input) && Array.isArray(input.Rules) ? input.Rules : input;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new MtlsConfigError('rules', 'expected a non-empty array of listener rules (describe-rules .Rules)');
  }
  const compiled = rules.map((rule: unknown, i) => compileRule(rule, `rules[${i}]`, targets, ctx, labelled));
  const seen = new Map<number, number>();
  compiled.forEach((rule, i) => {
    const other = seen.get(rule.priority);
    if (other !== undefined) throw new MtlsConfigError(`rules[${i}].Priority`, `repeats the priority of rules[${other}]`);
    seen.set(rule.priority, i);
  });
  return compiled.sort((a, b) => a.priority - b.priority);
}

function matches(rule: CompiledRule, req: Request): boolean {
  for (const test of rule.conditions) if (!test(req)) return false;
  return true;
}

/**
 * Runs ALB listener rules in the app: rules by `Priority` (the default rule last), conditions ANDed, the
 * values of a condition ORed, ALB's `*`/`?` wildcards; the first matching rule's action answers (or forwards
 * to `targets`); when none matches, `next()`. A rule on an mTLS header (ALB's `x-amzn-mtls-*` names, or the
 * names `albMtls()` reads when `headerNames` renames them) needs `albMtls()` before it and matches only
 * requests whose certificate it accepted. `source-ip` reads the address ALB appended to `X-Forwarded-For`
 * when the TCP peer is one of `options.trustedProxies`, else the TCP peer (see {@link ListenerRulesOptions}).
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
  const { clientIp, onWarning, mtlsHeaders } = checkListenerOptions(options);
  const ctx: ConditionContext = { headerGate: certificateHeaderGate(mtlsHeaders), clientIp };
  const labelled: LabelledConditions[] = [];
  const compiled = compileRules(rules, targets as ListenerTargets, ctx, labelled);
  const warnOnRequest = wildcardWarnings(labelled, mtlsHeaders, onWarning);
  return function listenerRules(req: Request, res: Response, next: NextFunction): void {
    let chosen: CompiledRule | undefined;
    try {
      warnOnRequest(req);
      chosen = compiled.find((rule) => matches(rule, req));
    } catch (error) {
      next(error); // ERR_MTLS_NOT_CONFIGURED: an mTLS-header rule without albMtls() before it
      return;
    }
    if (chosen === undefined) next();
    else chosen.action(req, res, next);
  };
}
