/**
 * After albMtls() strips certificate headers (an untrusted peer's, or a header the configured mode does not
 * read), every view Node gives of the request headers agrees: `headers`, `headersDistinct` and `rawHeaders`,
 * whether a handler reads them afterwards or an earlier middleware already read them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import type { NextFunction, Request, Response } from 'express';
import { albMtls } from '../../src/index.js';
import { EXPRESS_VERSIONS } from '../helpers/servers/apps.js';

const OTHER_MODE = 'x-amzn-mtls-clientcert'; // the passthrough header, never read in verify mode
const SUBJECT = 'x-amzn-mtls-clientcert-subject';

/** What the handler sees of the stripped header and of an ordinary one, in each view. */
function views(req: Request, res: Response): void {
  const rawNames = req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  res.json({
    rawLength: req.rawHeaders.length,
    rawNames,
    headers: Object.keys(req.headers),
    distinct: Object.keys(req.headersDistinct),
    kept: req.headersDistinct['x-kept'] ?? null,
  });
}

const readEarly = (req: Request, _res: Response, next: NextFunction): void => {
  void req.headersDistinct;
  next();
};

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`header views after stripping (${name})`, () => {
    const cases: Array<[string, Parameters<typeof albMtls>[0], string]> = [
      ['an untrusted peer\'s headers', { trustedProxies: () => false }, SUBJECT],
      ['a header the configured mode does not read', {}, OTHER_MODE],
    ];
    for (const [what, options, header] of cases) {
      for (const early of [false, true]) {
        test(`${what}${early ? ', headersDistinct read before albMtls()' : ''}`, async () => {
          const app = create();
          if (early) app.use(readEarly);
          app.use(albMtls(options), views);
          const res = await request(app).get('/').set(header, 'spoofed').set('X-Kept', 'yes').expect(200);
          assert.equal(res.body.rawLength, res.body.rawNames.length * 2);
          for (const list of [res.body.rawNames, res.body.headers, res.body.distinct]) {
            assert.ok(!list.includes(header), `${header} left in ${JSON.stringify(list)}`);
            assert.ok(list.includes('x-kept'));
          }
          assert.deepEqual([...res.body.distinct].sort(), [...res.body.headers].sort());
          assert.deepEqual(res.body.kept, ['yes']);
        });
      }
    }
  });
}
