import { TestApp, ADMIN_PASSWORD, ADMIN_USERNAME } from './app';

/** Logs in and returns the access token (fails the test on anything but 200). */
export async function login(
  t: TestApp,
  username: string,
  password: string,
  scope?: string,
): Promise<string> {
  const response = await t
    .http()
    .post('/auth/login')
    .send(scope === undefined ? { username, password } : { username, password, scope });
  if (response.status !== 200) {
    throw new Error(
      `login of ${username} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return (response.body as { access_token: string }).access_token;
}

export function loginAsAdmin(t: TestApp): Promise<string> {
  return login(t, ADMIN_USERNAME, ADMIN_PASSWORD);
}

/** Creates a user through the admin API and returns a token for it. */
export async function createUserToken(
  t: TestApp,
  adminToken: string,
  scope: string,
): Promise<{ id: string; token: string }> {
  const username = `user-${Math.random().toString(36).slice(2, 10)}`;
  const password = 'a-long-password-1';
  const created = await t
    .http()
    .post('/admin/users')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ username, password, scope });
  if (created.status !== 201) {
    throw new Error(`creating a user answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  return { id: (created.body as { id: string }).id, token: await login(t, username, password) };
}
