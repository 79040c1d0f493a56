/**
 * Help texts of the `express-alb-mtls` command.
 * @module
 */

/** `express-alb-mtls --help`. */
export const MAIN_HELP = `Usage: express-alb-mtls <command> [options]

Commands:
  proxy     Run a local ALB emulator: an HTTPS listener with mutual TLS that forwards to your app
            with the headers an AWS Application Load Balancer sends. See: express-alb-mtls proxy --help

Options:
  -h, --help  Show this help.
`;

/** `express-alb-mtls proxy --help`. */
export const PROXY_HELP = `Usage: express-alb-mtls proxy --target <url> [options]

A local stand-in for an ALB HTTPS listener with mutual TLS, in front of your app (the "target").
It requests a client certificate, checks it as the listener mode says, removes every inbound
X-Amzn-Mtls-* header, adds the ALB mTLS headers and X-Forwarded-For/Proto/Port, and forwards
the request to --target over HTTP. For development and tests only.

Options:
  --target <url>          The app, as an http:// URL (e.g. http://127.0.0.1:3000). Required.
  --mode <mode>           verify (default): refuse the TLS handshake unless the client certificate
                          chains to --trust-store; send the five X-Amzn-Mtls-Clientcert-* headers.
                          passthrough: accept any client certificate (or none) and send the chain,
                          unverified, in X-Amzn-Mtls-Clientcert.
  --trust-store <file>    PEM file with the CA certificates clients must chain to (verify mode;
                          required there).
  --ignore-client-certificate-expiry
                          Verify mode: accept expired client certificates, as the listener option
                          IgnoreClientCertificateExpiry does. Everything else is still checked.
  --cert <file>           PEM server certificate (may include intermediates). With --key.
  --key <file>            PEM private key of --cert. Without --cert/--key a certificate for
                          localhost is generated at start-up (clients need -k / --insecure).
  --port <n>              Port to listen on. Default 8443; 0 picks a free port.
  --host <address>        Address to listen on. Default 127.0.0.1.
  --source-address <ip>   Local address for connections to the target: the "ALB node" address
                          your app's trustedProxies should allow (e.g. 127.0.0.2 on Linux).
  --header-name <role>=<name>
                          Rename a header, as the listener attributes
                          routing.http.request.x_amzn_mtls_clientcert_*.header_name do. Roles:
                          subject, issuer, serial-number, validity, leaf, chain. Repeatable.
  --idle-timeout <s>      Seconds to wait for the target before answering 504. Default 60.
  --quiet                 Do not print a line per request. Refused TLS connections are still
                          reported, each with its reason (no-certificate, untrusted, expired,
                          leaf-expired, eku, ..., or handshake).
  -h, --help              Show this help.

Exit status: 0 after Ctrl-C, 1 when the listener cannot start, 2 for bad usage.

Example:
  express-alb-mtls proxy --trust-store ca.pem --target http://127.0.0.1:3000
  curl -k --cert client.pem --key client.key https://127.0.0.1:8443/
`;
