/** The type of the event an adoption request writes to the outbox. */
export const ADOPTION_REQUESTED = 'pet.adoption.requested';

/** The payload of pet.adoption.requested; hashed into the event token (docs/events.md). */
export interface AdoptionRequestedPayload extends Record<string, unknown> {
  eventId: string;
  type: typeof ADOPTION_REQUESTED;
  adoptionId: string;
  petId: string;
  /** The adopting user's id: equal to the event token's `sub`. */
  adopterId: string;
  /** ISO 8601, UTC. */
  requestedAt: string;
}

/** The payload fields, checked; undefined when one is missing or not a string. */
export function readAdoptionPayload(
  payload: Record<string, unknown>,
): AdoptionRequestedPayload | undefined {
  const fields = ['eventId', 'adoptionId', 'petId', 'adopterId', 'requestedAt'];
  if (payload.type !== ADOPTION_REQUESTED || fields.some((f) => typeof payload[f] !== 'string')) {
    return undefined;
  }
  return payload as AdoptionRequestedPayload;
}
