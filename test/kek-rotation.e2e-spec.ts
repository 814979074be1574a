import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { kekFromBytes } from '../src/keys/key-envelope';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';

/** KEY_ENCRYPTION_KEY rotation with KEY_ENCRYPTION_KEY_PREVIOUS (issue 7, item 6). */
describe('KEK rotation', () => {
  let t: TestApp;
  afterAll(() => t.close({ drop: true }));

  const kekIds = async (app: TestApp): Promise<string[]> => {
    const data = app.app.get(DataSource);
    const keys = await data.query<{ e: string }[]>(
      'SELECT private_key_envelope AS e FROM signing_keys',
    );
    const cas = await data.query<{ e: string | null }[]>(
      'SELECT private_key_envelope AS e FROM certificate_authorities',
    );
    const secrets = await data.query<{ h: string }[]>(
      'SELECT secret_hash AS h FROM clients WHERE secret_hash IS NOT NULL',
    );
    return [
      ...[...keys, ...cas]
        .filter((row) => row.e !== null)
        .map((row) => (JSON.parse(row.e!) as { kek: string }).kek),
      ...secrets.map((row) => row.h.split(':')[1]),
    ];
  };

  it('re-seals every private key and re-hashes presented secrets under the new KEK, breaking nothing', async () => {
    t = await createTestApp();
    const oldKek = t.config.keyEncryptionKey!;
    const newKek = randomBytes(32);
    const admin = await loginAsAdmin(t);
    const created = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({ client_name: 'reporting', scope: 'pets:read' })
      .expect(201);
    const { client_id, client_secret } = created.body as {
      client_id: string;
      client_secret: string;
    };
    const kids = (
      (await t.http().get('/.well-known/jwks.json')).body as { keys: { kid: string }[] }
    ).keys.map((k) => k.kid);
    expect(new Set(await kekIds(t))).toEqual(new Set([kekFromBytes(oldKek).id]));
    await t.close();

    // Both KEKs: everything is re-sealed at start-up; the secret is re-hashed when presented.
    t = await createTestApp({
      db: t.db,
      clock: t.clock,
      config: { keyEncryptionKey: newKek, previousKeyEncryptionKey: oldKek },
    });
    expect((await t.http().get('/auth/me').set('Authorization', `Bearer ${admin}`)).status).toBe(
      200,
    );
    expect(
      ((await t.http().get('/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      ),
    ).toEqual(kids);
    await t
      .http()
      .post('/oauth/token')
      .auth(client_id, client_secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expect(new Set(await kekIds(t))).toEqual(new Set([kekFromBytes(newKek).id]));
    await t.close();

    // The new KEK alone is enough from now on.
    t = await createTestApp({ db: t.db, clock: t.clock, config: { keyEncryptionKey: newKek } });
    expect(
      (
        await t
          .http()
          .get('/auth/me')
          .set('Authorization', `Bearer ${await loginAsAdmin(t)}`)
      ).status,
    ).toBe(200);
    await t
      .http()
      .post('/oauth/token')
      .auth(client_id, client_secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
  });
});
