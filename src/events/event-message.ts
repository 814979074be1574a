/**
 * The event message and the checks that bind an event token to it (CONTRACT §9). No Nest
 * imports: the server's consumer and consumers in other processes share these rules.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** What the outbox relays: the event token and the payload it is bound to. */
export interface EventMessage {
  accessToken: string;
  payload: Record<string, unknown>;
}

/** The scope of event tokens, and the only one they carry. */
export const EVENT_SCOPE = 'adoptions:process';

/** Why an event was rejected; recorded with the event, shown in GET /admin/events. */
export type EventRejection =
  | 'payload_invalid'
  | 'scope_missing'
  | 'event_id_missing'
  | 'event_id_mismatch'
  | 'payload_hash_mismatch'
  | 'actor_missing';

/** `event_payload_hash`: base64url (no padding) of SHA-256 over the canonical JSON's UTF-8. */
export function payloadHash(payload: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(payload), 'utf8').digest('base64url');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event checks on claims whose signature, issuer, audience and lifetime were already
 * verified: the event scope, `event_id` equal to the payload's `eventId` (and to the id the
 * message was delivered under, when known), the payload hash, and an actor.
 */
export function checkEventClaims(
  claims: Readonly<Record<string, unknown>>,
  payload: unknown,
  expectedEventId?: string,
): { ok: true; payload: Record<string, unknown> } | { ok: false; reason: EventRejection } {
  if (!isObject(payload)) {
    return { ok: false, reason: 'payload_invalid' };
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes(EVENT_SCOPE)) {
    return { ok: false, reason: 'scope_missing' };
  }
  if (typeof claims.event_id !== 'string' || typeof claims.event_payload_hash !== 'string') {
    return { ok: false, reason: 'event_id_missing' };
  }
  if (
    claims.event_id !== payload.eventId ||
    (expectedEventId !== undefined && claims.event_id !== expectedEventId)
  ) {
    return { ok: false, reason: 'event_id_mismatch' };
  }
  let hash: string;
  try {
    hash = payloadHash(payload);
  } catch {
    return { ok: false, reason: 'payload_invalid' };
  }
  if (hash !== claims.event_payload_hash) {
    return { ok: false, reason: 'payload_hash_mismatch' };
  }
  if (!isObject(claims.act) || typeof claims.act.sub !== 'string') {
    return { ok: false, reason: 'actor_missing' };
  }
  return { ok: true, payload };
}
