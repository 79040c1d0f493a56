/**
 * Debian's nginx (`nginx-light` + `libnginx-mod-http-js`) as a real TLS terminator in front of a test app:
 * found on this machine, configured from scratch in a temporary folder, started on a free loopback port
 * in the foreground, and stopped again. It forwards what OpenSSL says about the client certificate as the
 * five ALB verify-mode headers, converting the validity dates with njs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { freePort, portOpen } from './ports.js';
import { join } from 'node:path';

const MODULE_DIRS = ['/usr/lib/nginx/modules', '/usr/lib64/nginx/modules', '/usr/local/lib/nginx/modules'];

/** Where nginx and its njs module are, or why they cannot be used. */
export type NginxLookup = { readonly binary: string; readonly jsModule: string } | { readonly missing: string };

/** Looks for the nginx binary and `ngx_http_js_module.so`. */
export function findNginx(): NginxLookup {
  const binary = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ??
    (spawnSync('nginx', ['-v']).status === 0 ? 'nginx' : undefined);
  if (binary === undefined) return { missing: 'nginx not found (Debian/Ubuntu: apt-get install nginx-light libnginx-mod-http-js)' };
  const jsModule = MODULE_DIRS.map((d) => join(d, 'ngx_http_js_module.so')).find((p) => existsSync(p));
  if (jsModule === undefined) return { missing: `njs module not found in ${MODULE_DIRS.join(', ')} (apt-get install libnginx-mod-http-js)` };
  return { binary, jsModule };
}

/**
 * njs: `$ssl_client_v_start` / `_v_end` (`Sep  1 22:43:21 2023 GMT`, OpenSSL's ASN1_TIME_print) to ALB's
 * `NotBefore=2023-09-01T22:43:21Z;NotAfter=...`. Written for njs 0.7 (no regexp named groups).
 */
const NJS = `
var MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
function two(n) { return (n < 10 ? '0' : '') + n; }
function iso(text) {
  var m = /^([A-Z][a-z]{2}) +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4}) GMT$/.exec(text || '');
  if (!m) return 'unparsable:' + text;
  return m[6] + '-' + two(MONTHS.indexOf(m[1]) / 3 + 1) + '-' + two(Number(m[2])) + 'T' + m[3] + ':' + m[4] + ':' + m[5] + 'Z';
}
function validity(r) {
  return 'NotBefore=' + iso(r.variables.ssl_client_v_start) + ';NotAfter=' + iso(r.variables.ssl_client_v_end);
}
export default { validity };
`;

/** What to put in front of what. */
export interface NginxSetup {
  readonly dir: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  readonly trustStorePem: string;
  readonly appPort: number;
}

/** The nginx configuration (exported for the docs check). */
export function config(lookup: { jsModule: string }, s: NginxSetup, port: number): string {
  const p = (name: string): string => join(s.dir, name);
  return `load_module ${lookup.jsModule};
daemon off;
master_process off;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${p('tmp/body')};
  proxy_temp_path ${p('tmp/proxy')};
  fastcgi_temp_path ${p('tmp/fastcgi')};
  uwsgi_temp_path ${p('tmp/uwsgi')};
  scgi_temp_path ${p('tmp/scgi')};
  js_path ${s.dir};
  js_import alb from alb.js;
  js_set $alb_validity alb.validity;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${p('server.pem')};
    ssl_certificate_key ${p('server.key')};
    ssl_client_certificate ${p('trust.pem')};
    ssl_verify_client on;
    ssl_verify_depth 4;
    location / {
      proxy_pass http://127.0.0.1:${s.appPort};
      proxy_set_header X-Amzn-Mtls-Clientcert-Subject $ssl_client_s_dn;
      proxy_set_header X-Amzn-Mtls-Clientcert-Issuer $ssl_client_i_dn;
      proxy_set_header X-Amzn-Mtls-Clientcert-Serial-Number $ssl_client_serial;
      proxy_set_header X-Amzn-Mtls-Clientcert-Validity $alb_validity;
      proxy_set_header X-Amzn-Mtls-Clientcert-Leaf $ssl_client_escaped_cert;
      # mtls({ source: 'nginx' }): ingress-nginx's names and variables (docs/front-doors/nginx.md).
      # --- mtls ---
      proxy_set_header ssl-client-cert $ssl_client_escaped_cert;
      proxy_set_header ssl-client-verify $ssl_client_verify;
      proxy_set_header ssl-client-subject-dn $ssl_client_s_dn;
      proxy_set_header ssl-client-issuer-dn $ssl_client_i_dn;
      # --- mtls ---
      # Brackets keep what HTTP would strip (a trailing escaped space) and show an empty subject.
      proxy_set_header X-Nginx-Subject "[$ssl_client_s_dn]";
      proxy_set_header X-Nginx-Issuer "[$ssl_client_i_dn]";
      proxy_set_header X-Nginx-Verify $ssl_client_verify;
    }
  }
}
`;
}


/** A running nginx. */
export interface RunningNginx {
  readonly url: string;
  stop(): Promise<void>;
}

/** Writes the config and starts nginx in the foreground; resolves once it accepts connections (10 s at most). */
export async function startNginx(lookup: { binary: string; jsModule: string }, s: NginxSetup): Promise<RunningNginx> {
  mkdirSync(join(s.dir, 'tmp'), { recursive: true });
  writeFileSync(join(s.dir, 'server.pem'), s.serverCertPem);
  writeFileSync(join(s.dir, 'server.key'), s.serverKeyPem);
  writeFileSync(join(s.dir, 'trust.pem'), s.trustStorePem);
  writeFileSync(join(s.dir, 'alb.js'), NJS);
  const port = await freePort();
  writeFileSync(join(s.dir, 'nginx.conf'), config(lookup, s, port));
  let stderr = '';
  // -e: the start-up error log, before the config is read (the default path may not be writable).
  const child: ChildProcess = spawn(lookup.binary, ['-p', s.dir, '-e', join(s.dir, 'startup.log'), '-c', join(s.dir, 'nginx.conf')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => { stderr += c; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr || `exit ${child.exitCode}`}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
