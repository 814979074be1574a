import fc from 'fast-check';
import { parseBasic, parseBearer } from '../../src/common/http/authorization-header';
import { createTestApp, TestApp } from '../support/app';
import { loginAsAdmin } from '../support/auth';
import { requestIdOf } from '../support/errors';

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Property-based fuzzing: no input yields a 5xx, and no mutation of a valid token is accepted. */
describe('fuzzing the token parser, the guard and the token endpoint', () => {
  let t: TestApp;
  let valid: string;
  let client: { client_id: string; client_secret: string };
  beforeAll(async () => {
    t = await createTestApp();
    valid = await loginAsAdmin(t);
    const created = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${valid}`)
      .send({ client_name: 'fuzz', scope: 'pets:read' })
      .expect(201);
    client = created.body as typeof client;
  });
  afterAll(() => t.close({ drop: true }));

  it('parses any Authorization header values without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 3 }), (values) => {
        expect(['none', 'token', 'malformed']).toContain(parseBearer(values).kind);
        expect(['none', 'basic', 'malformed']).toContain(parseBasic(values).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers any bearer string with 401, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(printable(300), async (token) => {
        const response = await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
        expect(response.status).toBe(401);
      }),
      { numRuns: 150 },
    );
  });

  it('never accepts a mutation of a valid token', async () => {
    const mutation = fc.record({
      position: fc.nat({ max: valid.length - 1 }),
      character: fc.constantFrom(...`${B64URL}.=+/`.split('')),
      kind: fc.constantFrom('replace', 'insert', 'delete'),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ position, character, kind }) => {
        const head = valid.slice(0, position);
        const tail = valid.slice(kind === 'insert' ? position : position + 1);
        const mutated = kind === 'delete' ? head + tail : head + character + tail;
        fc.pre(mutated !== valid);
        const response = await t.http().get('/auth/me').set('Authorization', `Bearer ${mutated}`);
        expect(response.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any token-endpoint form with a 4xx or a token, never 5xx', async () => {
    const form = fc.record(
      {
        grant_type: fc.oneof(fc.constant('client_credentials'), printable(40)),
        scope: printable(60),
        client_id: fc.oneof(fc.constant(client.client_id), printable(40)),
        client_secret: fc.oneof(fc.constant(client.client_secret), printable(60)),
        client_assertion_type: printable(80),
        client_assertion: printable(200),
        subject_token: printable(100),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(form, fc.boolean(), async (fields, useBasic) => {
        const request = t.http().post('/oauth/token').type('form');
        if (useBasic) {
          request.auth(client.client_id, client.client_secret);
        }
        const response = await request.send(fields);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.body).toEqual({
            error: expect.any(String),
            error_description: expect.any(String),
            request_id: requestIdOf(response),
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
