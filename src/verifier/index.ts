/**
 * Signet's standalone access-token verifier: no Nest, no database. Use it in any Node
 * process that must accept Signet tokens, with the JWKS (`createJwksVerifier`) or, where no
 * key set can be fetched or cached, with the certificate chain the token carries and a few
 * deployed trust anchors (`createX5cVerifier` + `parseTrustAnchors`).
 */
export { checkAccessTokenClaims } from './access-token-claims';
export type {
  AccessTokenClaims,
  ClaimCheckOptions,
  ClaimCheckResult,
  ClaimRejection,
} from './access-token-claims';
export { parseTrustAnchors, validateCertificatePath } from './certificate-path';
export type { PathRejection, PathResult } from './certificate-path';
export { describeRejection } from './rejection-messages';
export { createJwksVerifier, createX5cVerifier } from './token-verifier';
export type {
  JwksVerifierOptions,
  TokenVerifier,
  VerifierOptions,
  VerifierRejection,
  VerifierResult,
  X5cVerifierOptions,
} from './token-verifier';
