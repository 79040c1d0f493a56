/**
 * `req.clientCert` on Express's `Request`: present after importing the package, typed
 * `ClientCertificate | undefined` (a guard does not narrow it; `clientCertOf(req)` does), and read-only.
 */
import express, { type Request, type RequestHandler } from 'express';
import {
  albMtls, clientCertOf, requireCN, type AnyClientCertificate, type CertRequest, type ClientCertificate, type DistinguishedName, type VerifiedBy,
} from '../../src/index.js';
import type { Equals, Expect } from './assert.js';

export type RequestHasClientCert = Expect<Equals<Request['clientCert'], AnyClientCertificate | undefined>>;
export type GuardedRequestHasOne = Expect<Equals<CertRequest['clientCert'], AnyClientCertificate>>;
export type VerifiedByUnion = Expect<Equals<VerifiedBy, 'alb' | 'proxy' | 'local' | 'tls' | 'none'>>;
export type ClientCertOfIsWhole = Expect<Equals<ReturnType<typeof clientCertOf>, ClientCertificate>>;
export type SubjectIsParsed = Expect<Equals<ClientCertificate['subject'], DistinguishedName>>;
export type SerialIsText = Expect<Equals<ClientCertificate['serialNumber'], string>>;
export type CommonNameMayBeMissing = Expect<Equals<ClientCertificate['commonName'], string | undefined>>;
export type MiddlewareIsAHandler = Expect<Equals<ReturnType<typeof albMtls>, RequestHandler>>;

const app = express();
app.use(albMtls());
app.get('/admin', requireCN('clientA'), (req, res) => {
  // @ts-expect-error possibly undefined: guards run at runtime, the type stays optional
  res.send(req.clientCert.commonName);
  const cn: string | undefined = req.clientCert?.commonName;
  const cert: ClientCertificate = clientCertOf(req);
  res.send(`${cn ?? ''} ${cert.serialNumber}`);
});

app.use((req, _res, next) => {
  const cert = req.clientCert;
  if (cert !== undefined) {
    // @ts-expect-error read-only: a certificate may be shared by many requests through the cache
    cert.serialNumber = '00';
    // @ts-expect-error read-only arrays
    cert.subjectAltNames.dns.push('evil.example');
    // @ts-expect-error read-only RDNs
    cert.subject.rdns.push([]);
    const ou: string[] = cert.subject.getAll('OU');
    // @ts-expect-error a partial certificate (an Envoy element without Cert) has no bytes
    const maybe: Uint8Array = cert.raw;
    if (cert.complete) {
      const raw: Uint8Array = cert.raw;
      void raw;
    }
    void [ou, maybe];
  }
  // @ts-expect-error read-only: only albMtls() sets it
  req.clientCert = undefined;
  next();
});
