import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { checkEventClaims, payloadHash } from './event-message';

const payload = {
  eventId: 'e-1',
  type: 'pet.adoption.requested',
  petId: 'p-1',
  adopterId: 'u-1',
  note: 'café €',
  n: 1.0,
};
const claims = {
  scope: 'adoptions:process',
  event_id: 'e-1',
  event_payload_hash: payloadHash(payload),
  act: { sub: 'signet-events' },
};

describe('canonical JSON and the payload hash (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, with no whitespace and shortest numbers', () => {
    expect(canonicalJson({ b: [1e21, 0.5, -0], a: 'x', é: true, A: null })).toBe(
      '{"A":null,"a":"x","b":[1e+21,0.5,0],"é":true}',
    );
  });

  it('hashes the UTF-8 of the canonical JSON with SHA-256, in base64url', () => {
    const expected = createHash('sha256')
      .update(Buffer.from(canonicalJson(payload), 'utf8'))
      .digest('base64url');
    expect(payloadHash(payload)).toBe(expected);
    expect(payloadHash({ ...payload })).toBe(
      payloadHash(Object.fromEntries(Object.entries(payload).reverse())),
    );
  });
});

describe('checkEventClaims', () => {
  it('accepts claims bound to the payload', () => {
    expect(checkEventClaims(claims, payload, 'e-1')).toEqual({ ok: true, payload });
  });

  it.each([
    ['a payload that is no object', claims, 'x', undefined, 'payload_invalid'],
    [
      'a token without the event scope',
      { ...claims, scope: 'pets:adopt' },
      payload,
      undefined,
      'scope_missing',
    ],
    [
      'a token without event_id',
      { ...claims, event_id: undefined },
      payload,
      undefined,
      'event_id_missing',
    ],
    ['another event_id', { ...claims, event_id: 'e-2' }, payload, undefined, 'event_id_mismatch'],
    ['delivery under another id', claims, payload, 'e-2', 'event_id_mismatch'],
    [
      'a tampered payload',
      claims,
      { ...payload, petId: 'p-2' },
      undefined,
      'payload_hash_mismatch',
    ],
    ['no actor', { ...claims, act: undefined }, payload, undefined, 'actor_missing'],
  ])('rejects %s', (_name, c, p, id, reason) => {
    expect(checkEventClaims(c, p, id)).toEqual({ ok: false, reason });
  });
});
