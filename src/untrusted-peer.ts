/**
 * The most common misconfiguration is a proxy outside `trustedProxies`: its headers are removed and a valid
 * certificate is refused as missing. Say so once per peer address as a process warning, and in the
 * refusal's `cause` every time.
 * @module
 */

/** Peers remembered per middleware; past this many, new ones are still named in `cause`, not warned about. */
const MAX_WARNED_PEERS = 64;

/** A notifier for one middleware: returns the refusal's cause, and warns the first time a peer is seen. */
export function untrustedPeerNotice(label: string): (peer: string | undefined, removed: readonly string[]) => string {
  const warned = new Set<string>();
  return (peer, removed) => {
    const who = peer ?? 'unknown address';
    const cause = `mTLS headers from untrusted peer ${who} were removed (${removed.join(', ')})`;
    if (!warned.has(who) && warned.size < MAX_WARNED_PEERS) {
      warned.add(who);
      process.emitWarning(`${label}(): ${cause}. If ${who} is your load balancer or proxy, add it to trustedProxies ` +
        `(e.g. trustedProxies: '${peer === undefined ? '10.0.0.0/8' : peer}'); otherwise a client sent them and removing them was right.`,
      { code: 'EXPRESS_ALB_MTLS_UNTRUSTED_PEER' });
    }
    return cause;
  };
}
