import { x509 } from './x509';

/** Why a certificate chain was refused (RFC 5280 §6.1, reduced to what JWS x5c needs). */
export type PathRejection =
  | 'x5c_missing'
  | 'x5c_malformed'
  | 'chain_order_invalid'
  | 'untrusted_root'
  | 'certificate_signature_invalid'
  | 'issuer_not_ca'
  | 'issuer_key_usage_invalid'
  | 'path_length_exceeded'
  | 'leaf_key_usage_invalid'
  | 'unknown_critical_extension'
  | 'certificate_expired'
  | 'certificate_not_yet_valid';

export type PathResult =
  { ok: true; leaf: x509.X509Certificate } | { ok: false; reason: PathRejection };

/** No legitimate signing chain is longer; a cap keeps a hostile header cheap to refuse. */
const MAX_CHAIN_LENGTH = 8;

/** Extensions whose meaning this validator applies or that do not restrict the path. */
const UNDERSTOOD_EXTENSIONS = new Set([
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extendedKeyUsage (not required for JWS; a constraint we accept)
  '2.5.29.17', // subjectAltName
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
]);

class PathError extends Error {
  constructor(readonly reason: PathRejection) {
    super(reason);
  }
}

/** Parses a PEM bundle of trust anchors; throws on anything that is not a certificate. */
export function parseTrustAnchors(pem: string): x509.X509Certificate[] {
  const anchors = x509.PemConverter.decode(pem).map((der) => new x509.X509Certificate(der));
  if (anchors.length === 0) {
    throw new Error('the trust anchors file holds no certificate');
  }
  return anchors;
}

/**
 * Validates an x5c chain (leaf first) against trust anchors at `now`: order, an anchor at
 * the top, every signature, CA basicConstraints, keyUsage and path length of every issuer,
 * digitalSignature on the leaf, no critical extension left unprocessed, and validity dates.
 */
export async function validateCertificatePath(
  x5c: unknown,
  anchors: readonly x509.X509Certificate[],
  now: Date,
): Promise<PathResult> {
  try {
    const chain = parseChain(x5c);
    checkOrder(chain);
    const path = [...chain, ...anchorAbove(chain, anchors)];
    await checkSignatures(path);
    checkIssuers(path, chain.length);
    checkLeafUsage(chain[0]);
    checkCriticalExtensions(chain);
    checkValidity(path, now);
    return { ok: true, leaf: chain[0] };
  } catch (error) {
    if (error instanceof PathError) {
      return { ok: false, reason: error.reason };
    }
    throw error;
  }
}

function parseChain(x5c: unknown): x509.X509Certificate[] {
  if (x5c === undefined) {
    throw new PathError('x5c_missing');
  }
  if (
    !Array.isArray(x5c) ||
    x5c.length === 0 ||
    x5c.length > MAX_CHAIN_LENGTH ||
    !x5c.every((c) => typeof c === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(c))
  ) {
    throw new PathError('x5c_malformed');
  }
  try {
    return (x5c as string[]).map((c) => new x509.X509Certificate(Buffer.from(c, 'base64')));
  } catch {
    throw new PathError('x5c_malformed');
  }
}

/** RFC 7515 §4.1.6: each certificate is certified by the one after it. */
function checkOrder(chain: readonly x509.X509Certificate[]): void {
  for (let i = 0; i + 1 < chain.length; i++) {
    if (chain[i].issuer !== chain[i + 1].subject) {
      throw new PathError('chain_order_invalid');
    }
  }
}

const sameCertificate = (a: x509.X509Certificate, b: x509.X509Certificate): boolean =>
  Buffer.from(a.rawData).equals(Buffer.from(b.rawData));

/**
 * The anchor the chain ends at: none to add when the chain's last certificate is itself an
 * anchor, else the anchor that issued it (its signature is checked with the rest).
 */
function anchorAbove(
  chain: readonly x509.X509Certificate[],
  anchors: readonly x509.X509Certificate[],
): x509.X509Certificate[] {
  const top = chain[chain.length - 1];
  if (anchors.some((a) => sameCertificate(a, top))) {
    return [];
  }
  const issuer = anchors.find((a) => a.subject === top.issuer);
  if (!issuer) {
    throw new PathError('untrusted_root');
  }
  return [issuer];
}

async function checkSignatures(path: readonly x509.X509Certificate[]): Promise<void> {
  for (let i = 0; i + 1 < path.length; i++) {
    let valid: boolean;
    try {
      valid = await path[i].verify({ publicKey: path[i + 1], signatureOnly: true });
    } catch {
      valid = false;
    }
    if (!valid) {
      throw new PathError('certificate_signature_invalid');
    }
  }
}

/** Every certificate that issues another is a CA allowed to sign certificates this deep. */
function checkIssuers(path: readonly x509.X509Certificate[], chainLength: number): void {
  let intermediatesBelow = 0;
  for (let i = 1; i < path.length; i++) {
    const issuer = path[i];
    const isAnchor = i >= chainLength;
    const constraints = issuer.getExtension(x509.BasicConstraintsExtension);
    if (!isAnchor && !constraints?.ca) {
      throw new PathError('issuer_not_ca');
    }
    const usage = issuer.getExtension(x509.KeyUsagesExtension);
    if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
      throw new PathError('issuer_key_usage_invalid');
    }
    if (constraints?.pathLength !== undefined && intermediatesBelow > constraints.pathLength) {
      throw new PathError('path_length_exceeded');
    }
    if (issuer.subject !== issuer.issuer) {
      intermediatesBelow++;
    }
  }
}

function checkLeafUsage(leaf: x509.X509Certificate): void {
  const usage = leaf.getExtension(x509.KeyUsagesExtension);
  if (!usage || (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    throw new PathError('leaf_key_usage_invalid');
  }
}

function checkCriticalExtensions(chain: readonly x509.X509Certificate[]): void {
  for (const certificate of chain) {
    if (certificate.extensions.some((e) => e.critical && !UNDERSTOOD_EXTENSIONS.has(e.type))) {
      throw new PathError('unknown_critical_extension');
    }
  }
}

function checkValidity(path: readonly x509.X509Certificate[], now: Date): void {
  for (const certificate of path) {
    if (now.getTime() > certificate.notAfter.getTime()) {
      throw new PathError('certificate_expired');
    }
    if (now.getTime() < certificate.notBefore.getTime()) {
      throw new PathError('certificate_not_yet_valid');
    }
  }
}
