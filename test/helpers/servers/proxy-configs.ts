/**
 * The config of each front door, as small templates: the part between the `# --- mtls ---` markers is
 * what the docs show. Each one terminates mutual TLS with optional client verification, removes every
 * client-sent copy of the certificate headers, and sets them only when a client certificate was presented
 * and verified.
 */
import { join } from 'node:path';

/** Files the configs point at, all in `dir`. */
export interface ProxyFiles {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  /** Certificate then key, one file (HAProxy's `crt`). */
  readonly certAndKey: string;
  /** The client CAs, concatenated (HAProxy, Apache). */
  readonly trust: string;
  /** The client CAs, one file each: Caddy 2.6 reads only the first certificate of a `trusted_ca_cert_file`. */
  readonly cas: readonly string[];
}

/** HAProxy 2.6 → RFC 9440 `Client-Cert`. `verify optional`: a client without a certificate reaches the app. */
export function haproxyConfig(f: ProxyFiles, port: number, appPort: number): string {
  return `global
  maxconn 64
defaults
  mode http
  timeout connect 5s
  timeout client 10s
  timeout server 10s
frontend tls
  bind 127.0.0.1:${port} ssl crt ${f.certAndKey} ca-file ${f.trust} verify optional
  # --- mtls ---
  http-request del-header Client-Cert
  http-request del-header Client-Cert-Chain
  http-request set-header Client-Cert :%[ssl_c_der,base64]: if { ssl_c_used } { ssl_c_verify 0 }
  # --- mtls ---
  default_backend app
backend app
  server app 127.0.0.1:${appPort}
`;
}

/**
 * Caddy 2.6 → RFC 9440 `Client-Cert`. Not `header_up`: without a client certificate Caddy 2.6.2 leaves the
 * placeholder unreplaced and would send `Client-Cert: :{http.request.tls.client.certificate_der_base64}:`.
 * So a `route` (runs in the order written) deletes client copies, then sets the header only when the
 * placeholder holds base64. The site has a host name: with client authentication Caddy answers 421 when
 * the TLS server name (SNI) differs from the Host header.
 */
export function caddyConfig(f: ProxyFiles, port: number, appPort: number): string {
  return `{
  admin off
  auto_https off
  storage file_system ${join(f.dir, 'caddy-storage')}
}
https://localhost:${port} {
  bind 127.0.0.1
  tls ${f.cert} ${f.key} {
    client_auth {
      mode verify_if_given
${f.cas.map((ca) => `      trusted_ca_cert_file ${ca}\n`).join('')}    }
  }
  # --- mtls ---
  route {
    request_header -Client-Cert
    request_header -Client-Cert-Chain
    @clientcert vars_regexp {http.request.tls.client.certificate_der_base64} ^[A-Za-z0-9+/]+=*$
    request_header @clientcert Client-Cert ":{http.request.tls.client.certificate_der_base64}:"
    reverse_proxy 127.0.0.1:${appPort}
  }
  # --- mtls ---
}
`;
}

/** The Apache modules the config loads (Debian builds the MPMs as modules too). */
export const APACHE_MODULES = ['mod_mpm_event', 'mod_authz_core', 'mod_ssl', 'mod_socache_shmcb', 'mod_headers', 'mod_proxy', 'mod_proxy_http'];

/**
 * Apache httpd 2.4 → the `nginx` source. The PEM is URL-escaped by ap_expr's `escape` (`%{SSL_CLIENT_CERT}s`
 * would give the PEM with its line breaks turned into spaces, and `(null)` without a certificate); the
 * headers about a certificate are set only when one was presented, `SSL_CLIENT_VERIFY` always (`NONE`
 * without one). The DNs are RFC 2253 (Apache's default since 2.3.11) but with non-ASCII as raw UTF-8, not
 * OpenSSL's `\C3\84` escapes; read through `expr=`, as `%{SSL_CLIENT_S_DN}s` turns an empty DN into `(null)`.
 * Client copies are unset first.
 */
export function apacheConfig(f: ProxyFiles, port: number, appPort: number, moduleDir: string): string {
  const modules = APACHE_MODULES.map((m) => `LoadModule ${m.replace(/^mod_/, '')}_module ${join(moduleDir, `${m}.so`)}`).join('\n');
  return `${modules}
ServerName 127.0.0.1
ServerRoot ${f.dir}
DefaultRuntimeDir ${f.dir}
PidFile ${join(f.dir, 'httpd.pid')}
ErrorLog ${join(f.dir, 'error.log')}
LogLevel warn
Listen 127.0.0.1:${port}
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
SSLSessionCache shmcb:${join(f.dir, 'ssl-cache')}(65536)
<VirtualHost 127.0.0.1:${port}>
  SSLEngine on
  SSLCertificateFile ${f.cert}
  SSLCertificateKeyFile ${f.key}
  SSLCACertificateFile ${f.trust}
  SSLVerifyClient optional
  SSLVerifyDepth 4
  ProxyPass / http://127.0.0.1:${appPort}/
  # --- mtls ---
  RequestHeader unset SSL-Client-Cert
  RequestHeader unset SSL-Client-Verify
  RequestHeader unset SSL-Client-Subject-DN
  RequestHeader unset SSL-Client-Issuer-DN
  RequestHeader set SSL-Client-Cert "expr=%{escape:%{SSL_CLIENT_CERT}}" "expr=-n %{SSL_CLIENT_CERT}"
  RequestHeader set SSL-Client-Verify "%{SSL_CLIENT_VERIFY}s"
  RequestHeader set SSL-Client-Subject-DN "expr=%{SSL_CLIENT_S_DN}" "expr=-n %{SSL_CLIENT_CERT}"
  RequestHeader set SSL-Client-Issuer-DN "expr=%{SSL_CLIENT_I_DN}" "expr=-n %{SSL_CLIENT_CERT}"
  # --- mtls ---
</VirtualHost>
`;
}
