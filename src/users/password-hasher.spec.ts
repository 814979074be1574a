import { HASH_CONCURRENCY, PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  it('never runs more than HASH_CONCURRENCY hashes at once, and every one completes', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    const attempts = HASH_CONCURRENCY + 3;
    const results = Array.from({ length: attempts }, (_, i) =>
      hasher.verify(hash, i % 2 === 0 ? 'correct horse battery staple' : 'wrong'),
    );
    // The ones beyond the limit wait for a slot.
    expect(hasher.queued).toBe(attempts - HASH_CONCURRENCY);
    expect(await Promise.all(results)).toEqual(
      Array.from({ length: attempts }, (_, i) => i % 2 === 0),
    );
    expect(hasher.queued).toBe(0);
  });

  it('frees its slot when argon2 refuses a malformed hash', async () => {
    const hasher = new PasswordHasher();
    const refused = await Promise.all(
      Array.from({ length: HASH_CONCURRENCY + 2 }, () => hasher.verify('not-a-hash', 'x')),
    );
    expect(refused.every((ok) => ok === false)).toBe(true);
    const hash = await hasher.hash('still works');
    expect(await hasher.verify(hash, 'still works')).toBe(true);
  });
});
