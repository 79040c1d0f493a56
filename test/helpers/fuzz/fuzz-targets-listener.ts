/**
 * Fuzz targets for ALB listener rules run in the app: the rules themselves (configuration: only
 * MtlsConfigError may escape) and requests against fixed rules (no throw; `next` at most once).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { fromListenerRules } from '../../../src/listener-rules/rules.js';
import { attachCertificate } from '../../../src/request-state.js';
import { MtlsConfigError } from '../../../src/core/errors.js';
import type { FuzzTarget } from './fuzz-types.js';

const noop: RequestHandler = () => undefined;
const TARGETS = { 'tg-a': noop, 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-b/73e2d6bc24d8a067': noop };
const quiet = { onWarning: () => undefined };

const forward = (tg: string): unknown[] => [{ Type: 'forward', TargetGroupArn: tg }];

/** Rules with every condition type, wildcards in each place they are allowed. */
const RULES = [
  { Priority: '1', Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com', 'a?c.example.org'] } }], Actions: forward('tg-a') },
  { Priority: '2', Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*/v?', '*a*a*a*a*b'] } },
    { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET', 'POST'] } }], Actions: forward('tg-a') },
  { Priority: 3, Conditions: [{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 've*', Value: '\\*lit?' }, { Value: '*x*' }] } }], Actions: forward('tg-a') },
  { Priority: '4', Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['prod*', '*?eta'] } }], Actions: forward('tg-a') },
  { Priority: '5', Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-amzn-mtls-clientcert-subject', Values: ['CN=clientA,*'] } }], Actions: forward('tg-a') },
  { Priority: '6', Conditions: [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8', '2001:db8::/32'] } }], Actions: forward('tg-a') },
  { Priority: '7', Conditions: [{ Field: 'path-pattern', Values: ['/redirect/*'] }],
    Actions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }] },
  { Priority: 'default', Conditions: [], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no' } }] },
];

function configTarget(): FuzzTarget {
  return {
    name: 'listener-config',
    kind: 'string',
    seeds: [JSON.stringify(RULES), JSON.stringify({ Rules: RULES.slice(0, 3) }), JSON.stringify(RULES.slice(3, 5))],
    run(input) {
      let rules: unknown;
      try {
        rules = JSON.parse(input as string);
      } catch {
        return; // not JSON: nothing to hand over
      }
      fromListenerRules(rules as never, TARGETS, quiet);
    },
    allowed: (error) => error instanceof MtlsConfigError,
  };
}

/** A response stub: actions that answer record it instead of writing. */
function stubResponse(): Response {
  const res: Record<string, unknown> = {};
  for (const method of ['status', 'type', 'set', 'setHeader', 'location', 'send', 'end', 'redirect', 'json']) res[method] = () => res;
  return res as unknown as Response;
}

function requestTarget(): FuzzTarget {
  const middleware = fromListenerRules(RULES as never, TARGETS, quiet);
  return {
    name: 'listener-request',
    kind: 'headers',
    seeds: [
      { host: 'api.example.com', url: '/api/x/v1?ver=*lit1&x=1', method: 'GET', ip: '10.1.2.3', 'x-env': 'prod-1' },
      { host: '[::1]:8443', url: '/redirect/a%2Fb?q=%ZZ&&=', method: 'POST', ip: '::ffff:10.0.0.1', 'x-env': 'beta' },
      { host: 'abc.example.org', url: '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', method: 'DELETE', ip: '2001:db8::5', 'x-env': '' },
    ],
    run(input) {
      const { host, url, method, ip, ...rest } = input as Record<string, string>;
      const headers: Record<string, string> = { ...rest };
      if (host !== undefined) headers.host = host;
      const req = { headers, rawHeaders: Object.entries(headers).flat(), url: url ?? '/', originalUrl: url ?? '/', method: method ?? 'GET', ip } as unknown as Request;
      attachCertificate(req, undefined, new Set());
      let calls = 0;
      const next: NextFunction = (error?: unknown) => {
        calls++;
        if (error !== undefined) throw new Error(`next(err) with ${String(error)}`);
      };
      middleware(req, stubResponse(), next);
      if (calls > 1) throw new Error('next called twice');
    },
    allowed: () => false,
  };
}

/** The listener-rule targets. */
export function listenerTargets(): FuzzTarget[] {
  return [configTarget(), requestTarget()];
}
