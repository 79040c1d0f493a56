/** Option typos and wrong types are compile errors, for albMtls() and decodeAlbHeaders(). */
import type { IncomingMessage } from 'node:http';
import { albMtls, decodeAlbHeaders, mtls, MtlsError, type AnyClientCertificate, type ClientCertificate, type MtlsErrorCode } from '../../src/index.js';
import type { Equals, Expect } from './assert.js';

albMtls();
albMtls({ mode: 'verify', required: true, checkValidity: false, clockTolerance: 5, cache: { max: 10 } });
albMtls({ mode: 'passthrough', trustStore: ['-----BEGIN CERTIFICATE-----'], crls: Buffer.alloc(0), crlStale: 'ignore' });
albMtls({ trustedProxies: ['10.0.0.0/8', 'loopback'], headerNames: { subject: 'x-client-subject', chain: 'x-chain' } });
albMtls({ trustedProxies: (address) => address === '10.0.0.1', skip: (req: IncomingMessage) => req.url === '/health', cache: false });

// @ts-expect-error unknown mode
albMtls({ mode: 'verfy' });
// @ts-expect-error typo of trustedProxies
albMtls({ trustedProxy: 'loopback' });
// @ts-expect-error typo of required
albMtls({ requried: true });
// @ts-expect-error seconds are a number
albMtls({ clockTolerance: '5' });
// @ts-expect-error typo inside cache
albMtls({ cache: { maxx: 10 } });
// @ts-expect-error cache is { max } or false
albMtls({ cache: true });
// @ts-expect-error unknown header role
albMtls({ headerNames: { subjet: 'x-client-subject' } });
// @ts-expect-error header names are strings
albMtls({ headerNames: { subject: 1 } });
// @ts-expect-error trustedProxies is a string, string[] or function
albMtls({ trustedProxies: 10 });
// @ts-expect-error crlStale is 'reject' or 'ignore'
albMtls({ mode: 'passthrough', trustStore: 'pem', crlStale: 'rejct' });
// @ts-expect-error the unsafe opt-out must be spelled out
albMtls({ mode: 'passthrough', skipChainVerification: true });

albMtls({
  onEvent(event) {
    if (event.type === 'rejected') {
      const code: MtlsErrorCode = event.error.code;
      void code;
    } else if (event.type === 'stripped') {
      const reason: 'untrusted-peer' | 'unread' = event.reason;
      const names: readonly string[] = event.headers;
      void [reason, names];
    } else {
      const cached: boolean = event.cached;
      const cert: AnyClientCertificate = event.certificate;
      void [cached, cert];
    }
  },
});
// @ts-expect-error no event type 'accept' (it is 'accepted')
albMtls({ onEvent: (event) => event.type === 'accept' });
// @ts-expect-error events carry header names, not values
albMtls({ onEvent: (event) => event.type === 'stripped' && event.values });

export type DecodeResult = Expect<Equals<ReturnType<typeof decodeAlbHeaders>, ClientCertificate | undefined>>;
decodeAlbHeaders({ 'x-amzn-mtls-clientcert-subject': 'CN=a' }, { now: new Date(), crossCheck: true });
decodeAlbHeaders({ 'x-amzn-mtls-clientcert-subject': ['CN=a'] }, { now: Date.now() });
// @ts-expect-error now is a Date or epoch milliseconds
decodeAlbHeaders({}, { now: '2024-01-01T00:00:00Z' });
// @ts-expect-error trustedProxies belongs to albMtls(): decodeAlbHeaders trusts its caller
decodeAlbHeaders({}, { trustedProxies: 'loopback' });
// @ts-expect-error header values are strings
decodeAlbHeaders({ 'x-amzn-mtls-clientcert-subject': 42 });

new MtlsError('ERR_MTLS_CERT_FORBIDDEN', { cause: 'detail' });
// @ts-expect-error codes are a closed union
new MtlsError('ERR_MTLS_UNKNOWN');

// mtls({ source }): each source's options, and no other's.
mtls({ source: 'envoy', hops: 2, crossCheck: false, headerNames: { xfcc: 'x-xfcc' } });
mtls({ source: 'azure', mode: 'app-service', fingerprints: ['AB'], trustStore: 'pem' });
mtls({ source: 'gcp', headerNames: { chainVerified: 'x-verified' } });
mtls({ source: 'tls', required: true, trustStore: 'pem' });
// @ts-expect-error hops is Envoy's
mtls({ source: 'nginx', hops: 2 });
// @ts-expect-error a role the source does not have
mtls({ source: 'rfc9440', headerNames: { verify: 'x' } });
// @ts-expect-error the tls source reads no headers, so trusts no proxy
mtls({ source: 'tls', trustedProxies: '10.0.0.1' });
// @ts-expect-error source is required
mtls({ required: true });
// @ts-expect-error an unknown source
mtls({ source: 'haproxy' });
