import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { Express, Request, RequestHandler, Response } from 'express';
import { compileGlob } from '../../src/listener-rules/glob.js';
import { MtlsConfigError } from '../../src/core/errors.js';
import { fromListenerRules, WILDCARD_DN_WARNING, type ListenerRule, type ListenerRulesOptions } from '../../src/listener-rules/rules.js';
import { albMtls } from '../../src/middleware.js';
import { attachCertificate } from '../../src/request-state.js';
import { EXPRESS_VERSIONS, jsonErrors } from '../helpers/servers/apps.js';
import { certFixtures, type FixtureName, type Fixtures } from '../helpers/pki/cert-fixtures.js';
import { fakeCert } from '../helpers/pki/fake-cert.js';
import { skipWithoutOpenssl } from '../helpers/pki/openssl.js';
import { captureWarnings } from '../helpers/warnings.js';

/** The rule from the issue, verbatim, as `aws elbv2 describe-rules` prints it. */
const ISSUE_RULE: ListenerRule = JSON.parse(`{
  "RuleArn": "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener-rule/app/mtls/50dc6c495c0c9188/f2f7dc8efc522ab2/1",
  "Priority": "1",
  "Conditions": [{ "Field": "http-header", "HttpHeaderConfig": { "HttpHeaderName": "X-Amzn-Mtls-Clientcert-Subject",
     "Values": ["*CN=clientA*"] } }],
  "Actions": [{"Type":"fixed-response","FixedResponseConfig":{"ContentType":"text/plain","StatusCode":"200","MessageBody":"Success!!"}}],
  "IsDefault": false
}`);

const fellThrough: RequestHandler = (_req, res) => {
  res.status(404).type('text').send('fell through');
};

const fixed = (priority: string | number, body: string, conditions: unknown[]): ListenerRule => ({
  Priority: priority,
  Conditions: conditions,
  Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: body } }],
});

const quiet: ListenerRulesOptions = { onWarning: () => undefined };

function appWith(create: () => Express, rules: ListenerRule[], targets = {}, options: ListenerRulesOptions = quiet, mtls = albMtls()): Express {
  const app = create();
  app.use(mtls);
  app.use(fromListenerRules(rules, targets, options));
  app.use(fellThrough);
  app.use(jsonErrors);
  return app;
}

describe('compileGlob (ALB wildcards)', () => {
  const rows: Array<[pattern: string, input: string, ci: boolean, expected: boolean]> = [
    ['*CN=clientA*', 'CN=clientA,O=x', true, true],
    ['*CN=clientA*', 'CN=clientAdmin', true, true],
    ['*CN=clientA*', 'CN=mallory,OU=CN=clientA', true, true],
    ['*CN=clientA*', 'cn=CLIENTA', true, true],
    ['*CN=clientA*', 'CN=clientB', true, false],
    ['/api/*', '/api/', false, true],
    ['/api/*', '/API/x', false, false],
    ['/a?c', '/abc', false, true],
    ['/a?c', '/ac', false, false],
    ['*', '', false, true],
    ['a*b*c', 'abc', false, true],
    ['a*b*c', 'aXbYbZc', false, true],
    ['a*b*c', 'acb', false, false],
    ['ab*ba', 'aba', false, false],
    ['*a?b*', 'xaZbx', false, true],
    ['exact', 'exact', false, true],
    ['exact', 'exactly', false, false],
  ];
  for (const [pattern, input, ci, expected] of rows) {
    test(`${pattern} ~ ${JSON.stringify(input)} -> ${expected}`, () => {
      assert.equal(compileGlob(pattern, { caseInsensitive: ci, escapes: false })(input), expected);
    });
  }

  test('escapes make * and ? literal (query strings)', () => {
    const glob = compileGlob('a\\*b\\?', { caseInsensitive: true, escapes: true });
    assert.equal(glob('a*b?'), true);
    assert.equal(glob('aXXb?'), false);
    assert.equal(glob('a*bX'), false);
  });

  test('linear: a pathological pattern against a long input returns at once', () => {
    const glob = compileGlob(`${'*a'.repeat(60)}*b`, { caseInsensitive: false, escapes: false });
    const start = process.hrtime.bigint();
    assert.equal(glob('a'.repeat(20000)), false);
    assert.ok(process.hrtime.bigint() - start < 200_000_000n, 'took over 200 ms');
  });
});

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`fromListenerRules, the issue's rule (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    before(() => {
      certs = certFixtures();
    });

    const rows: Array<[FixtureName | null, number, string]> = [
      ['clientA', 200, 'Success!!'],
      ['clientB', 404, 'fell through'],
      ['lookalike', 404, 'fell through'],
      [null, 404, 'fell through'],
      // The pitfall the warning is about: a wildcard on a DN is a substring match.
      ['clientAdmin', 200, 'Success!!'],
      ['ouIsCnClientA', 200, 'Success!!'],
    ];
    for (const [cert, status, body] of rows) {
      test(`${cert ?? 'no certificate'} -> ${status} ${body}`, async () => {
        const res = await request(appWith(create, [ISSUE_RULE])).get('/').set(cert === null ? {} : certs[cert]);
        assert.equal(res.status, status);
        assert.equal(res.text, body);
        if (status === 200) assert.match(String(res.headers['content-type']), /^text\/plain/);
      });
    }

    test('spoofed headers from an untrusted peer never match (albMtls strips them)', async () => {
      const app = appWith(create, [ISSUE_RULE], {}, quiet, albMtls({ trustedProxies: () => false }));
      const res = await request(app).get('/').set(certs.clientA);
      assert.equal(res.status, 404);
    });

    test('without albMtls() a rule on an mTLS header is 500 ERR_MTLS_NOT_CONFIGURED', async () => {
      const app = create();
      app.use(fromListenerRules([ISSUE_RULE], {}, quiet));
      app.use(fellThrough);
      app.use(jsonErrors);
      const res = await request(app).get('/').set('X-Amzn-Mtls-Clientcert-Subject', 'CN=clientA');
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
    });
  });
}

describe('the wildcard warning', () => {
  test('is emitted once per offending rule, with a code, naming the safe matcher', () => {
    const warnings: Array<[string, string]> = [];
    const onWarning = (message: string, code: string): void => {
      warnings.push([message, code]);
    };
    const safe = fixed(3, 'x', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Amzn-Mtls-Clientcert-Subject', Values: ['CN=clientA,O=x'] } }]);
    const other = fixed(4, 'y', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'User-Agent', Values: ['*curl*'] } }]);
    const twoValues = fixed(2, 'z', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-amzn-mtls-clientcert-issuer', Values: ['*CN=a*', '*CN=b*'] } }]);
    fromListenerRules([ISSUE_RULE, twoValues, safe, other], {}, { onWarning });
    assert.equal(warnings.length, 2);
    for (const [message, code] of warnings) {
      assert.equal(code, WILDCARD_DN_WARNING);
      assert.match(message, /substring match/);
      assert.match(message, /\{ cn: 'clientA' \}/);
    }
    assert.match(warnings[0]![0], /Listener rule 1 .*x-amzn-mtls-clientcert-subject/);
  });

  test('goes to process.emitWarning by default', async () => {
    const warnings = await captureWarnings(() => fromListenerRules([ISSUE_RULE]));
    assert.deepEqual(warnings.map((w) => w.code), [WILDCARD_DN_WARNING]);
  });
});

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`fromListenerRules conditions and actions (${name})`, () => {
    const arnA = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-a/73e2d6bc24d8a067';
    const arnB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-b/0123456789abcdef';
    const targets = {
      'tg-a': ((_req, res) => { res.send('target A'); }) as RequestHandler,
      [arnB]: ((req, res) => { res.send(`target B ${req.url}`); }) as RequestHandler,
      'tg-async': (async () => { throw new Error('async failure'); }) as RequestHandler,
    };
    const rules: ListenerRule[] = [
      { Priority: 'default', IsDefault: true, Conditions: [], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', MessageBody: 'default' } }] },
      fixed('20', 'path', [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/img/*.png', '/p?t'] } }]),
      fixed(2, 'host+method', [
        { Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com'] } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST', 'PUT'] } },
      ]),
      fixed('30', 'query', [{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v*', Value: 'b?ta' }, { Value: 'lit\\*' }] } }]),
      fixed('40', 'header', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-canary', Values: ['yes'] } }]),
      fixed('45', 'legacy path', [{ Field: 'path-pattern', Values: ['/legacy'] }]),
      fixed('50', 'local', [{ Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.0/8', '::1/128'] } }, { Field: 'path-pattern', Values: ['/local'] }]),
      fixed('51', 'from header ip', [{ Field: 'source-ip', SourceIpConfig: { Values: ['203.0.113.0/24'] } }]),
      { Priority: '60', Conditions: [{ Field: 'path-pattern', Values: ['/go'] }], Actions: [{ Type: 'redirect', Order: 1, RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: 'new.#{host}', Path: '/v2#{path}', Query: '#{query}&from=alb', StatusCode: 'HTTP_301' } }] },
      { Priority: '61', Conditions: [{ Field: 'path-pattern', Values: ['/port'] }], Actions: [{ Type: 'redirect', RedirectConfig: { Port: '8443', StatusCode: 'HTTP_302' } }] },
      { Priority: '70', Conditions: [{ Field: 'path-pattern', Values: ['/a'] }], Actions: [{ Type: 'forward', TargetGroupArn: arnA }] },
      { Priority: '71', Conditions: [{ Field: 'path-pattern', Values: ['/b*'] }], Actions: [{ Type: 'forward', TargetGroupArn: arnB, ForwardConfig: { TargetGroups: [{ TargetGroupArn: arnB, Weight: 1 }, { TargetGroupArn: arnA, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: false } } }] },
      { Priority: '72', Conditions: [{ Field: 'path-pattern', Values: ['/async'] }], Actions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg-async/1' }] },
    ];
    const options: ListenerRulesOptions = { onWarning: () => undefined, clientIp: (req) => (req.headers['x-test-client-ip'] as string | undefined) ?? req.socket.remoteAddress };
    const app = (): Express => appWith(create, rules, targets, options);

    const rows: Array<[what: string, build: (agent: request.Agent) => request.Test, status: number, body: string | RegExp]> = [
      ['path wildcard', (a) => a.get('/img/cat.png'), 200, 'path'],
      ['path ? wildcard', (a) => a.get('/pat'), 200, 'path'],
      ['path is case-sensitive', (a) => a.get('/IMG/cat.png'), 503, 'default'],
      ['path ignores the query', (a) => a.get('/pat?x=/img/a.png'), 200, 'path'],
      ['host (any case, port ignored) AND method', (a) => a.post('/x').set('Host', 'API.Example.com:8443'), 200, 'host+method'],
      ['host but wrong method', (a) => a.get('/x').set('Host', 'api.example.com'), 503, 'default'],
      ['lower priority number wins over array order', (a) => a.post('/img/a.png').set('Host', 'a.example.com'), 200, 'host+method'],
      ['query key and value wildcards, any case', (a) => a.get('/q?x=1&Version=BETA'), 200, 'query'],
      ['query value only, escaped literal *', (a) => a.get('/q?anything=lit*'), 200, 'query'],
      ['query escaped * is not a wildcard', (a) => a.get('/q?anything=litXYZ'), 503, 'default'],
      ['query percent-decoded', (a) => a.get('/q?v=b%65ta'), 200, 'query'],
      ['header value any case', (a) => a.get('/h').set('X-Canary', 'YES'), 200, 'header'],
      ['legacy Values path-pattern', (a) => a.get('/legacy'), 200, 'legacy path'],
      ['source-ip (IPv4-mapped loopback) AND path', (a) => a.get('/local'), 200, 'local'],
      ['source-ip from the clientIp option', (a) => a.get('/z').set('x-test-client-ip', '203.0.113.9'), 200, 'from header ip'],
      ['source-ip outside the block', (a) => a.get('/z').set('x-test-client-ip', '198.51.100.1'), 503, 'default'],
      ['default rule last', (a) => a.get('/nothing'), 503, 'default'],
      ['forward by target group name', (a) => a.get('/a'), 200, 'target A'],
      ['forward by ARN through ForwardConfig, weight 0 never chosen', (a) => a.get('/b/c?d=1'), 200, 'target B /b/c?d=1'],
      ['forward to an async handler that rejects', (a) => a.get('/async'), 500, /./],
    ];
    for (const [what, build, status, body] of rows) {
      test(what, async () => {
        const res = await build(request.agent(app()));
        assert.equal(res.status, status);
        if (typeof body === 'string') assert.equal(res.text, body);
        else assert.match(res.text, body);
      });
    }

    test('redirect with placeholders', async () => {
      const res = await request(app()).get('/go?a=1').set('Host', 'example.com:8080');
      assert.equal(res.status, 301);
      assert.equal(res.headers.location, 'https://new.example.com/v2/go?a=1&from=alb');
    });

    test('redirect keeps a non-default port and the original path and query', async () => {
      const res = await request(app()).get('/port?x=%20y').set('Host', 'example.com');
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, 'http://example.com:8443/port?x=%20y');
    });

    test('mounted under a path, rules see the original URL (as ALB does)', async () => {
      const mounted = create();
      mounted.use('/img', fromListenerRules(rules, targets, options));
      mounted.use(jsonErrors);
      assert.equal((await request(mounted).get('/img/cat.png')).text, 'path');
    });

    test('no rule matching and no default rule: next()', async () => {
      const res = await request(appWith(create, [rules[1]!])).get('/nothing');
      assert.equal(res.status, 404);
      assert.equal(res.text, 'fell through');
    });
  });
}

describe('fromListenerRules refuses what it cannot run, at construction', () => {
  const action = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }];
  const on = (condition: unknown, extra: Record<string, unknown> = {}): unknown[] => [{ Priority: '1', Conditions: [condition], Actions: action, ...extra }];
  const path = { Field: 'path-pattern', Values: ['/x'] };
  const cases: Array<[string, unknown, string, RegExp, unknown?]> = [
    ['no rules', [], 'rules', /non-empty array/],
    ['unsupported Field', on({ Field: 'http-cookie', Values: ['x'] }), 'rules[0].Conditions[0].Field', /not a supported condition/],
    ['Field typo', on({ Field: 'path-patern', Values: ['x'] }), 'rules[0].Conditions[0].Field', /Did you mean "path-pattern"/],
    ['regex values', on({ Field: 'path-pattern', PathPatternConfig: { RegexValues: ['^/x$'] } }), 'rules[0].Conditions[0].PathPatternConfig.RegexValues', /regex conditions are not supported/],
    ['config of another field', on({ Field: 'path-pattern', HostHeaderConfig: { Values: ['x'] } }), 'rules[0].Conditions[0].HostHeaderConfig', /does not belong/],
    ['empty Values', on({ Field: 'host-header', HostHeaderConfig: { Values: [] } }), 'rules[0].Conditions[0].Values', /non-empty array/],
    ['bad header name', on({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'a b', Values: ['x'] } }), 'rules[0].Conditions[0].HttpHeaderName', /header name/],
    ['lowercase method', on({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['get'] } }), 'rules[0].Conditions[0].Values[0]', /A-Z/],
    ['bare IP', on({ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.1'] } }), 'rules[0].Conditions[0].Values[0]', /CIDR/],
    ['prefix too long', on({ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/33'] } }), 'rules[0].Conditions[0].Values[0]', /CIDR/],
    ['query without Value', on({ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'a' }] } }), 'rules[0].Conditions[0].Values[0]', /Value: string/],
    ['authenticate action', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'authenticate-oidc', AuthenticateOidcConfig: {} }] }], 'rules[0].Actions[0].Type', /run in ALB/],
    ['two actions', [{ Priority: '1', Conditions: [path], Actions: [action[0], action[0]] }], 'rules[0].Actions', /several actions/],
    ['unknown target', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg-x/1' }] }], 'rules[0].Actions[0].TargetGroupArn', /by name "tg-x"\); known: tg-a/, { 'tg-a': () => undefined }],
    ['sticky weighted forward', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'arn:aws:elasticloadbalancing:r:1:targetgroup/tg-a/1', Weight: 1 }, { TargetGroupArn: 'arn:aws:elasticloadbalancing:r:1:targetgroup/tg-a/1', Weight: 2 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }] }], 'rules[0].Actions[0].ForwardConfig.TargetGroupStickinessConfig', /stickiness/, { 'tg-a': () => undefined }],
    ['target not a handler', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'forward', TargetGroupArn: 'tg-a' }] }], 'targets["tg-a"]', /expected a handler/, { 'tg-a': 'nope' }],
    ['bad status', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: 200 } }] }], 'rules[0].Actions[0].FixedResponseConfig.StatusCode', /2XX, 4XX or 5XX/],
    ['bad content type', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/xml' } }] }], 'rules[0].Actions[0].FixedResponseConfig.ContentType', /text\/plain/],
    ['redirect loop', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301' } }] }], 'rules[0].Actions[0].RedirectConfig', /same URL/],
    ['unknown placeholder', [{ Priority: '1', Conditions: [path], Actions: [{ Type: 'redirect', RedirectConfig: { Path: '/#{uri}', StatusCode: 'HTTP_301' } }] }], 'rules[0].Actions[0].RedirectConfig.Path', /unknown placeholder/],
    ['duplicate priority', [{ Priority: '1', Conditions: [path], Actions: action }, { Priority: 1, Conditions: [path], Actions: action }], 'rules[1].Priority', /repeats/],
    ['priority out of range', [{ Priority: '0', Conditions: [path], Actions: action }], 'rules[0].Priority', /1 to 50000/],
    ['non-default rule without conditions', [{ Priority: '1', Conditions: [], Actions: action }], 'rules[0].Conditions', /only the default rule/],
    ['unknown rule key', on(path, { Transforms: [{ Type: 'url-rewrite' }] }), 'rules[0].Transforms', /not supported/],
    ['unknown option', [{ Priority: '1', Conditions: [path], Actions: action }], 'options.onWarnings', /Did you mean "onWarning"/, undefined],
  ];
  for (const [name, rules, option, message, targets] of cases) {
    test(name, () => {
      const opts = name === 'unknown option' ? { onWarnings: () => undefined } : undefined;
      assert.throws(() => fromListenerRules(rules as ListenerRule[], (targets ?? {}) as never, opts as never), (error: unknown) => {
        assert.ok(error instanceof MtlsConfigError, String(error));
        assert.equal(error.option, option);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test('accepts the whole describe-rules output', () => {
    assert.equal(typeof fromListenerRules({ Rules: [ISSUE_RULE] } as never, {}, quiet), 'function');
  });
});

/** Renamed verify-mode headers (listener attributes `routing.http.request.x_amzn_mtls_clientcert_*.header_name`). */
const RENAMED = { subject: 'x-client-subject', issuer: 'x-client-issuer', serialNumber: 'x-client-serial', validity: 'x-client-validity', leaf: 'x-client-leaf' };
const BY_DEFAULT_NAME: Record<string, string> = {
  'x-amzn-mtls-clientcert-subject': RENAMED.subject, 'x-amzn-mtls-clientcert-issuer': RENAMED.issuer,
  'x-amzn-mtls-clientcert-serial-number': RENAMED.serialNumber, 'x-amzn-mtls-clientcert-validity': RENAMED.validity,
  'x-amzn-mtls-clientcert-leaf': RENAMED.leaf,
};
const renamed = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [BY_DEFAULT_NAME[k] ?? k, v]));
const onRenamedSubject = (values: string[]): ListenerRule =>
  fixed(1, 'Success!!', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Client-Subject', Values: values } }]);

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`fromListenerRules on renamed mTLS headers (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    before(() => {
      certs = certFixtures();
    });
    const rule = onRenamedSubject(['CN=clientA,*']);

    test('matches the renamed header of an accepted certificate', async () => {
      const app = appWith(create, [rule], {}, quiet, albMtls({ headerNames: RENAMED }));
      assert.equal((await request(app).get('/').set(renamed(certs.clientA))).text, 'Success!!');
      assert.equal((await request(app).get('/').set(renamed(certs.clientB))).status, 404);
    });

    test('a forged renamed header without a certificate never matches, from a trusted peer or not', async () => {
      const skipAll = albMtls({ headerNames: RENAMED, skip: () => true });
      assert.equal((await request(appWith(create, [rule], {}, quiet, skipAll)).get('/').set(RENAMED.subject, 'CN=clientA,O=x')).status, 404);
      const untrusted = albMtls({ headerNames: RENAMED, trustedProxies: () => false });
      assert.equal((await request(appWith(create, [rule], {}, quiet, untrusted)).get('/').set(renamed(certs.clientA))).status, 404);
    });

    test('without albMtls(), a rule on a name from the headerNames option is 500 ERR_MTLS_NOT_CONFIGURED', async () => {
      const app = create();
      app.use(fromListenerRules([rule], {}, { ...quiet, headerNames: RENAMED }));
      app.use(jsonErrors);
      const res = await request(app).get('/').set(RENAMED.subject, 'CN=clientA,O=x');
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
    });

    test('a wildcard on a renamed header is warned about at the first request albMtls() handled, once', async () => {
      const warnings: string[] = [];
      const app = appWith(create, [onRenamedSubject(['*CN=clientA*'])], {}, { onWarning: (m) => warnings.push(m) }, albMtls({ headerNames: RENAMED }));
      assert.equal(warnings.length, 0, 'the name is not known at construction');
      for (let i = 0; i < 3; i++) await request(app).get('/').set(renamed(certs.clientA));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /x-client-subject with a wildcard/);
    });
  });
}

describe('fromListenerRules and the request state albMtls() records', () => {
  const run = (rules: ListenerRule[], headers: Record<string, string>, read: string[], cert = true): number => {
    const middleware = fromListenerRules(rules, {}, quiet);
    const req = { headers, rawHeaders: Object.entries(headers).flat(), url: '/', originalUrl: '/', method: 'GET' } as unknown as Request;
    attachCertificate(req, cert ? fakeCert() : undefined, new Set(read));
    let status = 0;
    const res = { setHeader: () => undefined, end: () => undefined, set statusCode(code: number) { status = code; } } as unknown as Response;
    middleware(req, res, () => { status = -1; });
    return status;
  };
  const onDefaultSubject = fixed(1, 'x', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Amzn-Mtls-Clientcert-Subject', Values: ['CN=clientA*'] } }]);
  const subject = { 'x-amzn-mtls-clientcert-subject': 'CN=clientA,O=x' };

  test('a default-named header the configuration reads matches with a certificate', () => {
    assert.equal(run([onDefaultSubject], subject, ['x-amzn-mtls-clientcert-subject']), 200);
    assert.equal(run([onDefaultSubject], subject, ['x-amzn-mtls-clientcert-subject'], false), -1);
  });

  test('a default-named header the configuration does not read never matches, even with a certificate', () => {
    assert.equal(run([onDefaultSubject], subject, Object.values(RENAMED)), -1); // renamed verify headers
    assert.equal(run([onDefaultSubject], subject, ['x-amzn-mtls-clientcert']), -1); // passthrough mode
  });

  test('an ordinary header is unaffected by the certificate', () => {
    const rule = fixed(1, 'x', [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['yes'] } }]);
    assert.equal(run([rule], { 'x-canary': 'yes' }, Object.values(RENAMED), false), 200);
  });

  test('a wildcard on a name from the headerNames option is warned about at construction', () => {
    const warnings: string[] = [];
    fromListenerRules([onRenamedSubject(['*CN=clientA*'])], {}, { headerNames: RENAMED, onWarning: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /x-client-subject with a wildcard/);
  });

  test('a throwing onWarning during a request does not fail the request', async () => {
    const middleware = fromListenerRules([onRenamedSubject(['*CN=clientA*'])], {}, { onWarning: () => { throw new Error('hook bug'); } });
    const req = { headers: {}, rawHeaders: [], url: '/', originalUrl: '/', method: 'GET' } as unknown as Request;
    attachCertificate(req, undefined, new Set([RENAMED.subject]));
    let nextArgs: unknown[] | undefined;
    const warnings = await captureWarnings(() => middleware(req, {} as Response, (...args: unknown[]) => { nextArgs = args; }));
    assert.deepEqual(nextArgs, []);
    assert.deepEqual(warnings.map((w) => w.code), ['EXPRESS_ALB_MTLS_ONWARNING', WILDCARD_DN_WARNING]);
  });
});

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`source-ip reads the address ALB appended to X-Forwarded-For (${name})`, () => {
    // 127.0.0.0/8 stands for the VPC; supertest's loopback peer stands for the ALB node.
    const rules = [
      fixed(1, 'internal', [{ Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.0/8', '::1/128'] } }]),
      fixed(2, 'partner', [{ Field: 'source-ip', SourceIpConfig: { Values: ['198.51.100.0/24', '2001:db8::/32'] } }]),
    ];
    const app = (options: ListenerRulesOptions = quiet, trustProxy?: boolean): Express => {
      const a = create();
      if (trustProxy !== undefined) a.set('trust proxy', trustProxy);
      a.use(fromListenerRules(rules, {}, options));
      a.use(fellThrough);
      return a;
    };
    const rows: Array<[what: string, xff: string | string[] | undefined, options: ListenerRulesOptions, body: string]> = [
      ['the right-most entry from a trusted peer', '198.51.100.7', quiet, 'partner'],
      ['entries left of it are the client\'s own words', '127.0.0.1, 10.0.0.1, 198.51.100.7', quiet, 'partner'],
      ['a client-written partner address left of the real one', '198.51.100.7, 203.0.113.5', quiet, 'fell through'],
      ['IPv6, spaces around', ' 203.0.113.5 ,  2001:db8::5 ', quiet, 'partner'],
      ['a trusted peer without X-Forwarded-For names no client', undefined, quiet, 'fell through'],
      ['two X-Forwarded-For lines: neither is believed', ['198.51.100.7', '198.51.100.8'], quiet, 'fell through'],
      ['an empty right-most entry', '198.51.100.7,', quiet, 'fell through'],
      ['an untrusted peer is the client itself, X-Forwarded-For ignored', '198.51.100.7', { ...quiet, trustedProxies: '10.0.0.0/8' }, 'internal'],
      ['trustedProxies as a function', '198.51.100.7', { ...quiet, trustedProxies: () => false }, 'internal'],
      ['clientIp overrides both', '198.51.100.7', { ...quiet, clientIp: () => '::1' }, 'internal'],
    ];
    for (const [what, xff, options, body] of rows) {
      test(what, async () => {
        const req = request(app(options)).get('/');
        // An array sends one header line per value (superagent's types allow arrays only for Cookie).
        if (xff !== undefined) req.set('X-Forwarded-For', xff as string);
        assert.equal((await req).text, body);
      });
    }

    test('Express\'s trust proxy setting changes nothing', async () => {
      for (const trust of [true, false]) {
        const res = await request(app(quiet, trust)).get('/').set('X-Forwarded-For', '127.0.0.1, 203.0.113.5');
        assert.equal(res.text, 'fell through');
      }
    });
  });
}

describe('fromListenerRules options', () => {
  const rule = [fixed(1, 'x', [{ Field: 'path-pattern', Values: ['/x'] }])];
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['trustedProxies not proxy-addr syntax', { trustedProxies: '10.0.0.0/99' }, 'trustedProxies', /proxy-addr|CIDR|invalid/i],
    ['trustedProxies of the wrong type', { trustedProxies: 5 }, 'trustedProxies', /proxy-addr string or array/],
    ['headerNames not a header name', { headerNames: { subject: 'x client' } }, 'headerNames.subject', /header name/],
    ['headerNames unknown role', { headerNames: { subjct: 'x-s' } }, 'headerNames.subjct', /Did you mean "subject"/],
    ['clientIp not a function', { clientIp: '10.0.0.1' }, 'options.clientIp', /function/],
  ];
  for (const [name, options, option, message] of cases) {
    test(name, () => {
      assert.throws(() => fromListenerRules(rule, {}, options as ListenerRulesOptions), (error: unknown) => {
        assert.ok(error instanceof MtlsConfigError, String(error));
        assert.equal(error.option, option);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
