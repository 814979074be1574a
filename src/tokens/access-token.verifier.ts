import { Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { Clock } from '../common/clock';
import { SignetConfig } from '../config/signet-config';
import { VerificationKey, KeyStore } from '../keys/key-store.service';
import {
  AccessTokenClaims,
  checkAccessTokenClaims,
  ClaimRejection,
} from '../verifier/access-token-claims';

export type TokenRejectionReason =
  | ClaimRejection
  | 'malformed'
  | 'kid_missing'
  | 'kid_unknown'
  | 'alg_mismatch'
  | 'signature_invalid'
  | 'revoked'
  | 'opaque_unknown';

/** A refusal with its private reason; `expired` is the only one a client is told about. */
export class TokenRejection extends Error {
  constructor(readonly reason: TokenRejectionReason) {
    super(reason);
  }
}

export type Verification =
  { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenRejectionReason };

/**
 * Decides whether an access token is Signet's and valid: the kid names a published key,
 * alg is that key's algorithm (so never `none` or HMAC), the signature holds, and the
 * claims pass the shared checks. A pure decision: counting and logging happen around it.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly keys: KeyStore,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
  ) {}

  /** `audience` null accepts any audience (introspection). */
  async verify(
    token: string,
    audience: string | null = this.config.audience,
  ): Promise<Verification> {
    try {
      const key = await this.resolveKey(token);
      return { ok: true, claims: await this.verifyWithKey(token, key, audience) };
    } catch (error) {
      if (error instanceof TokenRejection) {
        return { ok: false, reason: error.reason };
      }
      throw error;
    }
  }

  /** The published key a token names by kid; throws TokenRejection. */
  async resolveKey(token: string): Promise<VerificationKey> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenRejection('malformed');
    }
    if (typeof kid !== 'string' || kid === '' || kid.length > 128) {
      throw new TokenRejection('kid_missing');
    }
    const key = await this.keys.verificationKey(kid);
    if (!key) {
      throw new TokenRejection('kid_unknown');
    }
    return key;
  }

  /** Signature with `key` (its algorithm only), then the claim checks; throws TokenRejection. */
  async verifyWithKey(
    token: string,
    key: VerificationKey,
    audience: string | null = this.config.audience,
  ): Promise<AccessTokenClaims> {
    let verified: Awaited<ReturnType<typeof compactVerify>>;
    try {
      verified = await compactVerify(token, key.publicKey, { algorithms: [key.alg] });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new TokenRejection(
        code === 'ERR_JOSE_ALG_NOT_ALLOWED' ? 'alg_mismatch' : 'signature_invalid',
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(verified.payload).toString('utf8'));
    } catch {
      throw new TokenRejection('payload_invalid');
    }
    const result = checkAccessTokenClaims(verified.protectedHeader.typ, payload, {
      issuer: this.config.issuer,
      audience,
      nowSeconds: this.clock.nowSeconds(),
      clockSkewSeconds: this.config.clockSkewSeconds,
    });
    if (!result.ok) {
      throw new TokenRejection(result.reason);
    }
    return result.claims;
  }
}
