import { Injectable } from '@nestjs/common';
import { LOGIN_CLIENT_ID } from '../../auth/auth.service';
import { parseScopeString, SCOPES } from '../../auth/scopes';
import { Client } from '../../clients/client.entity';
import { Clock } from '../../common/clock';
import { OAuthError } from '../../common/errors/signet.errors';
import { SignetConfig } from '../../config/signet-config';
import { AccessTokenIssuer } from '../../tokens/access-token.issuer';
import { AccessTokenVerifier, Verification } from '../../tokens/access-token.verifier';
import { looksOpaque, OpaqueTokensService } from '../../tokens/opaque/opaque-tokens.service';
import { AccessTokenClaims } from '../../verifier/access-token-claims';
import { OAuthTokenResponse } from '../dto/oauth-token.response';
import { OAuthForm } from '../form';

/** RFC 8693 §3: the only token type Signet takes and issues. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
// An event id names one outbox event; the payload hash is base64url(SHA-256): 43 characters.
const EVENT_ID = /^[A-Za-z0-9._~-]{1,100}$/;
const PAYLOAD_HASH = /^[A-Za-z0-9_-]{43}$/;
const SCOPE_STRING = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** What an exchange asks for, once the form has been read. */
export interface ExchangeRequest {
  /** Absent: the subject token's scopes. */
  scope?: string;
  eventId?: string;
  eventPayloadHash?: string;
}

/**
 * RFC 8693 token exchange: a client acting for the user of a verified user access token.
 * The issued token keeps the user's `sub` and `aud` and names the client in `act`. The event
 * scope `adoptions:process` makes an event token: bound to one event by `event_id` and
 * `event_payload_hash`, living EVENT_TOKEN_TTL (CONTRACT §6, §9).
 */
@Injectable()
export class TokenExchangeGrant {
  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly verifier: AccessTokenVerifier,
    private readonly opaqueTokens: OpaqueTokensService,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
  ) {}

  async handle(client: Client, form: OAuthForm): Promise<OAuthTokenResponse> {
    const subjectToken = form.subject_token;
    if (subjectToken === undefined || subjectToken === '') {
      throw new OAuthError('invalid_request', 'subject_token is required');
    }
    if (form.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw new OAuthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    if (
      form.requested_token_type !== undefined &&
      form.requested_token_type !== ACCESS_TOKEN_TYPE
    ) {
      throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    // The authenticated client is the actor; a separate actor token is not supported.
    if (form.actor_token !== undefined || form.actor_token_type !== undefined) {
      throw new OAuthError('invalid_request', 'actor_token is not supported');
    }
    const verification = await this.verifySubject(subjectToken);
    if (!verification.ok) {
      // RFC 8693 §2.2.2: an invalid subject_token is invalid_request.
      throw new OAuthError(
        'invalid_request',
        'The subject token is invalid',
        `subject_${verification.reason}`,
      );
    }
    return this.exchange(client, verification.claims, {
      scope: form.scope,
      eventId: form.event_id,
      eventPayloadHash: form.event_payload_hash,
    });
  }

  /**
   * The exchange itself, for claims that passed verification: the token endpoint after
   * verifying `subject_token`, and Signet's own adoption flow with the claims its guard verified.
   */
  async exchange(
    client: Client,
    subject: AccessTokenClaims,
    request: ExchangeRequest,
  ): Promise<OAuthTokenResponse> {
    this.assertUserToken(subject);
    const scopes = this.grantedScopes(client, subject, request.scope);
    const isEventToken = scopes.includes(SCOPES.adoptionsProcess);
    const event = this.eventBinding(isEventToken, request);
    const issued = await this.issuer.issue({
      grant: 'token_exchange',
      sub: subject.sub,
      clientId: client.clientId,
      scopes,
      username: subject.username,
      audience: typeof subject.aud === 'string' ? subject.aud : this.config.audience,
      ttlSeconds: isEventToken
        ? this.config.eventTokenTtlSeconds
        : this.delegatedTtl(client, subject),
      // RFC 8693 §4.1: the client acts for the user (subjects are login tokens: no earlier act).
      extraClaims: { act: { sub: client.clientId }, ...event },
    });
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scope,
    };
  }

  /** Full verification, opaque tokens included; any audience (the issued token keeps it). */
  private verifySubject(token: string): Promise<Verification> {
    if (token.length > 16384) {
      return Promise.resolve({ ok: false, reason: 'malformed' });
    }
    return looksOpaque(token)
      ? this.opaqueTokens.verify(token, null)
      : this.verifier.verify(token, null);
  }

  /** Only a user's login token (client_id signet-login, CONTRACT §3) is a subject: never a client token or an event token. */
  private assertUserToken(subject: AccessTokenClaims): void {
    const raw = subject.raw;
    if (
      parseScopeString(subject.scope).includes(SCOPES.adoptionsProcess) ||
      raw.event_id !== undefined ||
      raw.event_payload_hash !== undefined
    ) {
      throw new OAuthError(
        'invalid_request',
        'An event token cannot be exchanged',
        'subject_event_token',
      );
    }
    if (subject.client_id !== LOGIN_CLIENT_ID || subject.username === undefined) {
      throw new OAuthError(
        'invalid_request',
        'The subject token must be a user access token',
        'subject_not_user',
      );
    }
  }

  /**
   * RFC 8693 §2.1 scope: a subset of the subject's scopes (absent: all of them), or the event
   * scope alone, which the client's own registration must also hold.
   */
  private grantedScopes(
    client: Client,
    subject: AccessTokenClaims,
    requested: string | undefined,
  ): string[] {
    const held = parseScopeString(subject.scope);
    if (requested === undefined) {
      return held;
    }
    if (requested.length > 512 || !SCOPE_STRING.test(requested)) {
      throw new OAuthError('invalid_scope', 'The scope parameter is malformed');
    }
    const scopes = parseScopeString(requested);
    if (scopes.includes(SCOPES.adoptionsProcess)) {
      if (scopes.length > 1) {
        throw new OAuthError('invalid_scope', 'adoptions:process is requested on its own');
      }
      if (!parseScopeString(client.scope).includes(SCOPES.adoptionsProcess)) {
        throw new OAuthError(
          'invalid_scope',
          'Scope not allowed for this client: adoptions:process',
        );
      }
      return scopes;
    }
    const refused = scopes.filter((s) => !held.includes(s));
    if (refused.length > 0) {
      throw new OAuthError(
        'invalid_scope',
        `Scope not held by the subject token: ${refused.join(' ')}`,
      );
    }
    return scopes;
  }

  /** Event tokens carry their event's id and payload hash; other tokens carry neither. */
  private eventBinding(
    isEventToken: boolean,
    request: ExchangeRequest,
  ): { event_id?: string; event_payload_hash?: string } {
    const { eventId, eventPayloadHash } = request;
    if (!isEventToken) {
      if (eventId !== undefined || eventPayloadHash !== undefined) {
        throw new OAuthError(
          'invalid_request',
          'event_id and event_payload_hash go with the scope adoptions:process',
        );
      }
      return {};
    }
    if (eventId === undefined || eventId === '') {
      throw new OAuthError('invalid_request', 'event_id is required for adoptions:process');
    }
    if (eventPayloadHash === undefined || eventPayloadHash === '') {
      throw new OAuthError(
        'invalid_request',
        'event_payload_hash is required for adoptions:process',
      );
    }
    if (!EVENT_ID.test(eventId)) {
      throw new OAuthError('invalid_request', 'event_id is malformed');
    }
    if (!PAYLOAD_HASH.test(eventPayloadHash)) {
      throw new OAuthError(
        'invalid_request',
        'event_payload_hash must be base64url(SHA-256), 43 characters',
      );
    }
    return { event_id: eventId, event_payload_hash: eventPayloadHash };
  }

  /** A delegated token never outlives the token it was exchanged for. */
  private delegatedTtl(client: Client, subject: AccessTokenClaims): number {
    const ttl = client.accessTokenTtlSeconds ?? this.config.accessTokenTtlSeconds;
    const remaining = subject.exp - this.clock.nowSeconds();
    return Math.max(1, Math.min(ttl, remaining));
  }
}
