/**
 * The parts of a request that listener-rule conditions and redirect placeholders read, taken as ALB saw
 * them: the original URL (mount points do not change it), raw (not percent-decoded), and the Host header.
 * @module
 */
import type { Request } from 'express';

function originalUrl(req: Request): string {
  return req.originalUrl ?? req.url ?? '/';
}

/** Path of the original URL, without query or fragment. */
export function pathOf(req: Request): string {
  const url = originalUrl(req);
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

/** Query of the original URL, without the `?` (empty when there is none). */
export function queryOf(req: Request): string {
  const url = originalUrl(req);
  const start = url.indexOf('?');
  if (start < 0) return '';
  const end = url.indexOf('#', start);
  return url.slice(start + 1, end < 0 ? undefined : end);
}

/** The Host header split into name (an IPv6 literal keeps its brackets) and port (`''` when absent). */
export function hostOf(req: Request): { readonly name: string; readonly port: string } | undefined {
  const host = req.headers.host;
  if (host === undefined) return undefined;
  const nameEnd = host.startsWith('[') ? host.indexOf(']') + 1 : host.indexOf(':') < 0 ? host.length : host.indexOf(':');
  return { name: host.slice(0, nameEnd), port: host.slice(nameEnd + 1) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a malformed escape is matched as written
  }
}

/** The query's `key=value` pairs, percent-decoded (`+` stays `+`); a bare `key` has the value `''`. */
export function queryPairs(req: Request): Array<readonly [string, string]> {
  const query = queryOf(req);
  if (query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
  });
}
