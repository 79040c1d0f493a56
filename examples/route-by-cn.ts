/**
 * The scenario that motivates this library: "requests whose client certificate has CN=clientA go to target A".
 *
 * On ALB, a listener rule with an `http-header` condition on `X-Amzn-Mtls-Clientcert-Subject` never matches:
 * ALB evaluates rules before it adds the mTLS headers. So the app routes, after `albMtls()` decoded the
 * certificate. This example does it both ways:
 * - `/listener`: the listener rule itself, verbatim, through `fromListenerRules` (answers `Success!!`). It works,
 *   but `*CN=clientA*` is a substring match: `CN=clientAdmin` and `OU=CN=clientA` pass too (a warning says so).
 * - everything else: `routeByCert` with `{ cn: 'clientA' }`, the safe equivalent: the parsed CN, compared whole.
 *
 * Run: `node --import tsx examples/route-by-cn.ts` (port 3000, or PORT), behind ALB or the local emulator.
 * In your app, import these names from 'express-alb-mtls'.
 */
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
// 'express-alb-mtls' in your app
import {
  albMtls, clientCertOf, fromListenerRules, routeByCert, type ListenerRule, type ListenerRulesOptions,
} from '../src/index.js';

/** The rule from the blog post, as `aws elbv2 describe-rules` prints it. */
export const CLIENT_A_RULE: ListenerRule = {
  Priority: '1',
  Conditions: [{
    Field: 'http-header',
    HttpHeaderConfig: { HttpHeaderName: 'X-Amzn-Mtls-Clientcert-Subject', Values: ['*CN=clientA*'] },
  }],
  Actions: [{
    Type: 'fixed-response',
    FixedResponseConfig: { ContentType: 'text/plain', StatusCode: '200', MessageBody: 'Success!!' },
  }],
};

/** Options of {@link createApp}. */
export interface ExampleOptions {
  /** Where the substring-match warning of the verbatim rule goes (default: `process.emitWarning`). */
  readonly onWarning?: ListenerRulesOptions['onWarning'];
}

/** The example app (Express 5). */
export function createApp(options: ExampleOptions = {}): Express {
  const app = express();
  // ALB health checks carry no certificate: answer them before anything requires one.
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  app.use(albMtls());

  const listener = express.Router();
  listener.use(fromListenerRules([CLIENT_A_RULE], {}, options.onWarning ? { onWarning: options.onWarning } : {}));
  listener.use((_req, res) => {
    res.status(403).type('text').send('no listener rule matched');
  });
  app.use('/listener', listener);

  const targetA = express.Router();
  targetA.get('/', (req, res) => {
    res.type('text').send(`target A: hello ${clientCertOf(req).commonName ?? ''}`);
  });
  // First match wins; without a match: 401 without a certificate, 403 with another one.
  app.use(routeByCert([[{ cn: 'clientA' }, targetA]]));
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, () => {
    console.log(`route-by-cn example on http://localhost:${port}`);
  });
}
