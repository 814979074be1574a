import { VerifierRejection } from './token-verifier';

/** One sentence per refusal, for people reading the CLI's or a log's output. */
const MESSAGES: Record<VerifierRejection, string> = {
  malformed: 'the token is not a compact JWS',
  alg_not_allowed: 'the token is signed with an algorithm that is not accepted',
  kid_missing: 'the token header names no kid',
  kid_unknown: 'no key in the JWKS has the token kid',
  jwks_unavailable: 'the JWKS could not be fetched',
  jwk_mismatch: 'the jwk header is not the key of the x5c leaf certificate',
  signature_invalid: 'the signature does not verify with the signing key',
  x5c_missing: 'the token header carries no x5c certificate chain',
  x5c_malformed: 'the x5c header is not a list of base64 DER certificates',
  chain_order_invalid: 'the x5c chain is out of order: a certificate is not issued by the next',
  untrusted_root: 'the certificate chain does not lead to a trust anchor',
  certificate_signature_invalid: 'a certificate in the chain has a bad signature',
  issuer_not_ca: 'a certificate that issues another lacks basicConstraints CA:true',
  issuer_key_usage_invalid: 'a certificate that issues another lacks keyUsage keyCertSign',
  path_length_exceeded: 'the chain is longer than a CA certificate allows',
  leaf_key_usage_invalid: 'the signing certificate lacks keyUsage digitalSignature',
  unknown_critical_extension: 'a certificate has a critical extension this verifier cannot apply',
  certificate_expired: 'a certificate in the chain has expired',
  certificate_not_yet_valid: 'a certificate in the chain is not valid yet',
  typ_invalid: 'the token typ is not at+jwt',
  payload_invalid: 'the token payload is not a JSON object',
  claims_missing: 'a required claim is missing or has the wrong type',
  issuer_mismatch: 'the token was issued by another issuer',
  audience_mismatch: 'the token is not meant for this audience',
  expired: 'the token has expired',
  not_yet_valid: 'the token is not valid yet (nbf)',
  issued_in_future: 'the token was issued in the future (iat)',
};

/** `reason: sentence`, e.g. `untrusted_root: the certificate chain does not lead to a trust anchor`. */
export function describeRejection(reason: VerifierRejection): string {
  return `${reason}: ${MESSAGES[reason]}`;
}
