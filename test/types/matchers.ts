/** Matcher types refuse values of the wrong type, in guards, routers and matchCert. */
import express, { type Request, type RequestHandler } from 'express';
import {
  allOf, anyOf, certRouter, compileMatcher, matchCert, not, requireClientCert, requireCN, requireOU, routeByCert,
  type AnyClientCertificate, type CertMatcher, type ClientCertificate, type CompiledMatcher, type ValueMatcher,
} from '../../src/index.js';
import type { Equals, Expect } from './assert.js';

declare const cert: ClientCertificate;
declare const handler: RequestHandler;

requireCN('clientA', /^client-\d+$/, (cn) => cn.startsWith('svc-'), ['a', /^b$/]);
requireCN(['a', 'b'] as const);
requireOU('ops');
// @ts-expect-error a CN is text
requireCN(42);
// @ts-expect-error requireCN takes values, not a matcher object
requireCN({ cn: 'clientA' });
// @ts-expect-error a predicate returns a boolean
requireCN((cn) => (cn === 'a' ? 'yes' : ''));
// @ts-expect-error a predicate receives a string
requireCN((cn: number) => cn > 0);
// @ts-expect-error a predicate is synchronous
requireCN(async (cn) => cn === 'a');

requireClientCert({
  cn: 'a', ou: ['x', /^y$/], o: 'z', subject: { CN: 'a', '2.5.4.3': /^a$/, organizationName: (o) => o.length > 0 },
  issuer: { CN: 'partnerCA' }, serialNumber: '03A5B1', fingerprint256: /^AB:/,
  san: { dns: '*.example.com', email: 'a@example.org', uri: /^spiffe:\/\/example\.org\/.+$/, ip: ['10.0.0.1', '::1'] },
  custom: (c, req) => c.commonName === 'a' && req.path.startsWith('/'),
});
// @ts-expect-error unknown field (it is cn)
requireClientCert({ commonName: 'a' });
// @ts-expect-error a CN is text
requireClientCert({ cn: 1 });
// @ts-expect-error unknown SAN kind (it is dns)
requireClientCert({ san: { dnsName: 'a.example' } });
// @ts-expect-error IP SANs are text
requireClientCert({ san: { ip: 10 } });
// @ts-expect-error attribute values are text matchers
requireClientCert({ subject: { CN: true } });
// @ts-expect-error custom returns a boolean
requireClientCert({ custom: () => 'yes' });
// @ts-expect-error custom is synchronous
requireClientCert({ custom: async () => true });
// @ts-expect-error a matcher, not a bare string
requireClientCert('clientA');

requireClientCert(anyOf({ cn: 'a' }, allOf({ ou: 'ops' }, not({ o: 'evil' }))));
// @ts-expect-error combinators take matchers
anyOf('a', 'b');
// @ts-expect-error not takes one matcher
not({ cn: 'a' }, { cn: 'b' });

certRouter({ ou: 'ops' }).get('/', handler);
// @ts-expect-error an OU is text
certRouter({ ou: 5 });
routeByCert([[{ cn: 'a' }, handler], [{ issuer: { CN: 'partnerCA' } }, express.Router()]], { otherwise: (_req, res) => res.status(403).end() });
routeByCert([[{ cn: 'a' }, handler]], { otherwise: 'next' });
// @ts-expect-error a CN is text, also inside a route
routeByCert([[{ cn: 1 }, handler]]);
// @ts-expect-error otherwise is a handler or 'next'
routeByCert([[{ cn: 'a' }, handler]], { otherwise: 'skip' });

const matched: boolean = matchCert(cert, { cn: 'a' });
const maybe: boolean = matchCert(undefined, { san: { dns: 'a.example' } });
void [matched, maybe];
// @ts-expect-error a serial number matcher is text, a RegExp or a predicate
matchCert(cert, { serialNumber: 0x03a5b1 });

export type CompiledForRequests = Expect<Equals<ReturnType<typeof compileMatcher<Request>>, CompiledMatcher<Request>>>;
export type CompiledSignature = Expect<Equals<Parameters<CompiledMatcher<Request>>, [cert: AnyClientCertificate | undefined, req: Request]>>;
export type ValueMatcherForms = Expect<Equals<ValueMatcher, string | RegExp | ((value: string) => boolean)>>;
const typed: CertMatcher<Request> = { custom: (_c, req) => req.get('host') !== undefined };
void typed;
