import { BlockList, isIP } from 'node:net';

// Never fetched from: link-local (where cloud metadata services live), "this network",
// and the metadata addresses clouds put elsewhere (Alibaba, Oracle, Azure's wire server,
// AWS's IPv6 endpoint).
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4');
FORBIDDEN.addAddress('100.100.100.200', 'ipv4');
FORBIDDEN.addAddress('192.0.0.192', 'ipv4');
FORBIDDEN.addAddress('168.63.129.16', 'ipv4');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6');
FORBIDDEN.addAddress('::', 'ipv6');

/** Whether an IP address may be fetched from (IPv4-mapped IPv6 is judged as IPv4). */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) {
    return FORBIDDEN.check(mapped[1], 'ipv4');
  }
  const family = isIP(address);
  if (family === 0) {
    return true;
  }
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a URL hostname is an IP address literal that may not be fetched from. */
export function isForbiddenLiteral(hostname: string): boolean {
  const literal = hostname.replace(/^\[|\]$/g, '');
  return isIP(literal) !== 0 && isForbiddenAddress(literal);
}

/** Loopback hosts, where plain http is allowed for a jwks_uri (development, tests). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Why a jwks_uri cannot be registered, or undefined when it can. */
export function jwksUriProblem(value: string, allowHttp: boolean): string | undefined {
  if (!URL.canParse(value)) {
    return 'jwks_uri must be an absolute URL';
  }
  const url = new URL(value);
  if (url.username || url.password || url.hash) {
    return 'jwks_uri must not carry credentials or a fragment';
  }
  // Refused here already, so the admin hears of it; safe-fetch checks again at each fetch,
  // for host names and for clients stored before this check.
  if (isForbiddenLiteral(url.hostname)) {
    return 'jwks_uri must not point at a link-local or cloud-metadata address';
  }
  if (url.protocol === 'https:') {
    return undefined;
  }
  if (url.protocol === 'http:' && (allowHttp || isLoopbackHost(url.hostname))) {
    return undefined;
  }
  return 'jwks_uri must use https (plain http only for a loopback host or with JWKS_URI_ALLOW_HTTP=true)';
}
