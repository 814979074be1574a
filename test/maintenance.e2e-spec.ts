import { DataSource } from 'typeorm';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';

describe('automatic maintenance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close({ drop: true }));

  const count = async (table: string): Promise<number> => {
    const rows = await t.app
      .get(DataSource)
      .query<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  };

  it('removes expired refresh and opaque tokens and passed throttle windows, and nothing else', async () => {
    const admin = await loginAsAdmin(t);
    const client = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({ client_name: 'opaque', scope: 'pets:read', access_token_format: 'opaque' })
      .expect(201);
    const { client_id, client_secret } = client.body as {
      client_id: string;
      client_secret: string;
    };
    await t
      .http()
      .post('/oauth/token')
      .auth(client_id, client_secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    await t
      .http()
      .post('/auth/login')
      .send({ username: 'nobody', password: 'wrong-password' })
      .expect(401);
    const maintenance = t.app.get(MaintenanceService);

    expect(await maintenance.run()).toEqual({
      refreshTokens: 0,
      loginThrottles: 0,
      opaqueTokens: 0,
    });
    expect(await count('refresh_tokens')).toBe(1);
    expect(await count('opaque_tokens')).toBe(1);
    expect(await count('login_throttles')).toBe(2);

    t.clock.advanceSeconds(t.config.refreshTokenTtlSeconds + 1);
    expect(await maintenance.run()).toEqual({
      refreshTokens: 1,
      loginThrottles: 2,
      opaqueTokens: 1,
    });
    expect(await count('refresh_tokens')).toBe(0);
    expect(await count('opaque_tokens')).toBe(0);
    expect(await count('login_throttles')).toBe(0);
    expect(await count('users')).toBe(1);
    expect(await count('clients')).toBe(1);
  });
});
