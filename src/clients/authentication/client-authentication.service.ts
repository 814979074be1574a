import { Injectable } from '@nestjs/common';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  JWTPayload,
  jwtVerify,
  JWTVerifyGetKey,
  JWTVerifyOptions,
} from 'jose';
import { Clock } from '../../common/clock';
import { OAuthError } from '../../common/errors/signet.errors';
import { SignetConfig } from '../../config/signet-config';
import { Transactions } from '../../database/transactions';
import { KeyEncryptionService } from '../../keys/key-encryption.service';
import { Client } from '../client.entity';
import { ASSERTION_ALGORITHMS } from '../client-jwks';
import { hashClientSecret, parseSecretHash, verifyClientSecret } from '../client-secrets';
import { ClientsRepository } from '../clients.repository';
import { CLIENT_SECRET_PURPOSE } from '../clients.service';
import { AssertionReplayGuard } from './assertion-replay.guard';
import { ClientKeysService } from './client-keys.service';
import { PresentedClientCredentials } from './client-credentials';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** RFC 7523 §3: assertions live briefly; Signet takes at most 5 minutes (CONTRACT §6). */
const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const MAX_ASSERTION_LENGTH = 8192;
/** Keys tried for an assertion that several registered keys could have signed (no kid). */
const MAX_CANDIDATE_KEYS = 20;
// Tokens of other kinds must never pass as a client assertion.
const FOREIGN_TYPES = [
  'at+jwt',
  'application/at+jwt',
  'token-introspection+jwt',
  'application/token-introspection+jwt',
];

type Method = 'basic' | 'post' | 'assertion';

/**
 * Client authentication at the token, introspection and revocation endpoints: exactly one
 * method per request, matching the client's registered one. Every failure is the same
 * invalid_client to the client; the reason goes to logs and metrics only.
 */
@Injectable()
export class ClientAuthenticationService {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly keys: ClientKeysService,
    private readonly replay: AssertionReplayGuard,
    private readonly encryption: KeyEncryptionService,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
    private readonly transactions: Transactions,
  ) {}

  async authenticate(presented: PresentedClientCredentials): Promise<Client> {
    const method = this.methodOf(presented);
    if (method === 'assertion') {
      return this.byAssertion(presented);
    }
    // client_secret_post without a client_id: no client named, so invalid_client (not a crash).
    const clientId = (method === 'basic' ? presented.basic!.clientId : presented.clientId) ?? '';
    const secret = method === 'basic' ? presented.basic!.secret : presented.clientSecret!;
    return this.bySecret(clientId, secret, method);
  }

  /** RFC 6749 §2.3: one method only; a client_id beside Basic must name the same client. */
  private methodOf(p: PresentedClientCredentials): Method {
    if (p.malformedHeader) {
      throw new OAuthError('invalid_request', 'The Authorization header is malformed');
    }
    const present: [Method, boolean][] = [
      ['basic', p.basic !== undefined],
      ['post', p.clientSecret !== undefined],
      ['assertion', p.clientAssertion !== undefined || p.clientAssertionType !== undefined],
    ];
    const methods = present.filter(([, isPresent]) => isPresent).map(([method]) => method);
    if (methods.length > 1) {
      throw new OAuthError('invalid_request', 'Use exactly one client authentication method');
    }
    if (methods.length === 0) {
      throw new OAuthError(
        'invalid_client',
        'Client authentication is required',
        'no_client_authentication',
      );
    }
    if (p.basic && p.clientId !== undefined && p.clientId !== p.basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return methods[0];
  }

  private async bySecret(
    clientId: string,
    secret: string,
    method: 'basic' | 'post',
  ): Promise<Client> {
    const fail = (reason: string) =>
      new OAuthError(
        'invalid_client',
        'Client authentication failed',
        reason,
        401,
        method === 'basic',
      );
    if (!isStorableIdentifier(clientId, 100) || secret.length > 512) {
      throw fail('secret_malformed');
    }
    const client = await this.clients.findForAuthentication(clientId);
    const stored = client?.secretHash ? parseSecretHash(client.secretHash) : undefined;
    const hmacKey = stored
      ? this.encryption.deriveKey(CLIENT_SECRET_PURPOSE, stored.kekId)
      : undefined;
    if (!client || !stored || !hmacKey || !verifyClientSecret(secret, stored, hmacKey)) {
      throw fail(client ? 'secret_mismatch' : 'client_unknown');
    }
    const expected = method === 'basic' ? 'client_secret_basic' : 'client_secret_post';
    if (client.tokenEndpointAuthMethod !== expected) {
      throw fail('auth_method_mismatch');
    }
    if (stored.kekId !== this.encryption.currentKekId) {
      await this.rehashUnderCurrentKek(client.clientId, secret);
    }
    return client;
  }

  /** KEK rotation: a secret hashed under the previous KEK is hashed again once it is presented. */
  private async rehashUnderCurrentKek(clientId: string, secret: string): Promise<void> {
    const kekId = this.encryption.currentKekId;
    const secretHash = hashClientSecret(
      secret,
      this.encryption.deriveKey(CLIENT_SECRET_PURPOSE)!,
      kekId,
    );
    await this.transactions.run((manager) =>
      this.clients.update(manager, clientId, { secretHash }),
    );
  }

  private async byAssertion(p: PresentedClientCredentials): Promise<Client> {
    const fail = (reason: string) =>
      new OAuthError('invalid_client', 'Client authentication failed', reason);
    if (p.clientAssertionType !== JWT_BEARER_ASSERTION) {
      throw new OAuthError(
        'invalid_request',
        `client_assertion_type must be ${JWT_BEARER_ASSERTION}`,
      );
    }
    const assertion = p.clientAssertion ?? '';
    if (assertion === '' || assertion.length > MAX_ASSERTION_LENGTH) {
      throw fail('assertion_size');
    }
    const clientId = this.claimedClientId(assertion, p.clientId);
    if (!clientId) {
      throw fail('assertion_malformed');
    }
    const client = isStorableIdentifier(clientId, 100)
      ? await this.clients.findForAuthentication(clientId)
      : null;
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt') {
      throw fail(client ? 'auth_method_mismatch' : 'client_unknown');
    }
    const payload = await this.verifyAssertion(assertion, client, p.endpointUrl).catch(
      (error: unknown) => {
        throw fail(
          error instanceof OAuthError
            ? (error.reason ?? 'assertion_invalid')
            : assertionReason(error),
        );
      },
    );
    if (!(await this.replay.accept(client.clientId, payload.jti, payload.exp))) {
      throw fail('assertion_replayed');
    }
    return client;
  }

  /** iss = sub = client_id (RFC 7523 §3), read before the signature to find the client. */
  private claimedClientId(assertion: string, formClientId: string | undefined): string | undefined {
    try {
      const header = decodeProtectedHeader(assertion);
      const claims = decodeJwt(assertion);
      const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
      if (
        typeof claims.sub !== 'string' ||
        claims.iss !== claims.sub ||
        (typ && FOREIGN_TYPES.includes(typ))
      ) {
        return undefined;
      }
      return formClientId === undefined || formClientId === claims.sub ? claims.sub : undefined;
    } catch {
      return undefined;
    }
  }

  private async verifyAssertion(
    assertion: string,
    client: Client,
    endpointUrl: string,
  ): Promise<{ jti: string; exp: number }> {
    const skew = this.config.clockSkewSeconds;
    const payload = await verifyWithAnyKey(assertion, this.keys.keysOf(client), {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: [this.config.issuer, `${this.config.issuer}/oauth/token`, endpointUrl],
      clockTolerance: skew,
      currentDate: this.clock.now(),
      requiredClaims: ['exp', 'jti'],
    });
    const now = this.clock.nowSeconds();
    if (payload.exp! > now + MAX_ASSERTION_LIFETIME_SECONDS + skew) {
      throw new OAuthError('invalid_client', '', 'assertion_exp_too_far');
    }
    if (payload.iat !== undefined && payload.iat > now + skew) {
      throw new OAuthError('invalid_client', '', 'assertion_iat_future');
    }
    if (typeof payload.jti !== 'string' || !isStorableIdentifier(payload.jti, 256)) {
      throw new OAuthError('invalid_client', '', 'assertion_jti');
    }
    return { jti: payload.jti, exp: payload.exp! };
  }
}

/**
 * RFC 7523 does not require a kid, so several registered keys may match an assertion's
 * header (jose then throws JWKSMultipleMatchingKeys, listing them): try each in turn.
 */
async function verifyWithAnyKey(
  assertion: string,
  getKey: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(assertion, getKey, options)).payload;
  } catch (error) {
    if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) {
      throw error;
    }
    let tried = 0;
    for await (const key of error) {
      try {
        return (await jwtVerify(assertion, key, options)).payload;
      } catch (attempt) {
        if (!(attempt instanceof joseErrors.JWSSignatureVerificationFailed)) {
          throw attempt;
        }
      }
      if (++tried >= MAX_CANDIDATE_KEYS) {
        break;
      }
    }
    throw new joseErrors.JWSSignatureVerificationFailed();
  }
}

/**
 * Whether a client-sent identifier may reach a query: 1 to `maxLength` characters and no
 * control characters (PostgreSQL refuses NUL in text with an error, which would be a 500).
 */
function isStorableIdentifier(value: string, maxLength: number): boolean {
  // eslint-disable-next-line no-control-regex
  return value.length <= maxLength && /^[^\u0000-\u001f\u007f]+$/.test(value);
}

// The private reason of a failed assertion check, for logs and metrics.
const ASSERTION_FAILURES: [new (...args: never[]) => Error, string][] = [
  [joseErrors.JWTExpired, 'assertion_expired'],
  [joseErrors.JWTClaimValidationFailed, 'assertion_claims'],
  [joseErrors.JWKSNoMatchingKey, 'assertion_key_unknown'],
  [joseErrors.JWKSTimeout, 'jwks_uri_timeout'],
  [joseErrors.JOSEAlgNotAllowed, 'assertion_alg'],
  [joseErrors.JWSSignatureVerificationFailed, 'assertion_signature'],
  [joseErrors.JOSEError, 'assertion_invalid'],
];

function assertionReason(error: unknown): string {
  return ASSERTION_FAILURES.find(([type]) => error instanceof type)?.[1] ?? 'jwks_uri_unavailable';
}
