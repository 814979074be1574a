import { KeyRotationService } from '../src/keys/key-rotation.service';
import { createTestApp, TestApp } from './support/app';
import { testDatabaseKind } from './support/database';

const activeKid = async (t: TestApp): Promise<string> => {
  const keys = await t.app.get(KeyRotationService).rotateIfDue();
  expect(keys).toBeNull();
  const jwks = (await t.http().get('/.well-known/jwks.json')).body as { keys: { kid: string }[] };
  return jwks.keys[0].kid; // the JWKS lists the active key first
};

// Each instance also calls rotateIfDue() from its key-refresh timer (every
// KEY_CACHE_REFRESH_SECONDS, 2 s by default). A tick that lands between moving the clock and the
// test's own calls would take the rotation from them, so the timer is pushed out of the test's way.
const rotation = { keyRotationIntervalSeconds: 3600, keyCacheRefreshSeconds: 300 };

describe('scheduled rotation (KEY_ROTATION_INTERVAL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: rotation });
  });
  afterAll(() => t.close({ drop: true }));

  it('rotates once the active key is as old as the interval, and only then', async () => {
    const rotation = t.app.get(KeyRotationService);
    const first = await activeKid(t);
    t.clock.advanceSeconds(3599);
    expect(await rotation.rotateIfDue()).toBeNull();
    t.clock.advanceSeconds(1);
    const rotated = await rotation.rotateIfDue();
    expect(rotated).toEqual(
      expect.objectContaining({
        retired: expect.objectContaining({ kid: first, state: 'retired' }),
      }),
    );
    expect(await rotation.rotateIfDue()).toBeNull();
    expect(await activeKid(t)).toBe(rotated!.active.kid);
  });

  it('does nothing when the interval is 0 (the default)', async () => {
    const off = await createTestApp({ clock: t.clock, config: { keyCacheRefreshSeconds: 300 } });
    try {
      off.clock.advanceSeconds(10 * 365 * 86400);
      expect(await off.app.get(KeyRotationService).rotateIfDue()).toBeNull();
    } finally {
      await off.close({ drop: true });
    }
  });

  // Two processes on one SQLite file are not a supported deployment; PostgreSQL's lock decides.
  (testDatabaseKind() === 'postgres' ? it : it.skip)(
    'rotates once when two instances find the key due at the same moment',
    async () => {
      const other = await createTestApp({ db: t.db, clock: t.clock, config: rotation });
      try {
        t.clock.advanceSeconds(3600);
        const results = await Promise.all([
          t.app.get(KeyRotationService).rotateIfDue(),
          other.app.get(KeyRotationService).rotateIfDue(),
        ]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      } finally {
        await other.close();
      }
    },
  );
});
