import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Transactions } from '../src/database/transactions';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface PetBody {
  id: string;
  name: string;
  species: string;
  age: number | null;
  status: string;
  ownerId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One request, with a bearer token when one is given. */
function call(t: TestApp, method: Method, path: string, token?: string, body?: object) {
  let request = t.http()[method](path);
  if (token !== undefined) {
    request = request.set('Authorization', `Bearer ${token}`);
  }
  return body === undefined ? request : request.send(body);
}

async function createPet(t: TestApp, token: string, body: object): Promise<PetBody> {
  const response = await call(t, 'post', '/pets', token, body);
  if (response.status !== 201) {
    throw new Error(`creating a pet answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as PetBody;
}

const NAME_INVALID = 'name must be a string of 1 to 100 characters, without control characters';
const SPECIES_INVALID =
  'species must be a string of 1 to 50 characters, without control characters';
const AGE_INVALID = 'age must be an integer from 0 to 200';
const notFound = apiError(404, 'not_found', 'Pet not found');
const badRequest = (message: string) => apiError(400, 'bad_request', message);

describe('pets API (CONTRACT §8)', () => {
  let t: TestApp;
  let admin: string;
  let reader: string;
  let writer: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    reader = (await createUserToken(t, admin, 'pets:read')).token;
    writer = (await createUserToken(t, admin, 'pets:write')).token;
  });
  afterAll(() => t.close({ drop: true }));

  describe('CRUD', () => {
    it('creates, reads, updates and deletes a pet', async () => {
      const createdAt = t.clock.now().toISOString();
      const created = await call(t, 'post', '/pets', admin, {
        name: 'Rex',
        species: 'dog',
        age: 3,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Rex',
        species: 'dog',
        age: 3,
        status: 'available',
        ownerId: null,
        createdAt,
        updatedAt: createdAt,
      });
      const pet = created.body as PetBody;

      const read = await call(t, 'get', `/pets/${pet.id}`, admin);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(pet);

      t.clock.advanceSeconds(5);
      const updatedAt = t.clock.now().toISOString();
      const updated = await call(t, 'patch', `/pets/${pet.id}`, admin, { name: 'Rexy', age: 4 });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ ...pet, name: 'Rexy', age: 4, updatedAt });
      expect((await call(t, 'get', `/pets/${pet.id}`, admin)).body).toEqual(updated.body);

      const deleted = await call(t, 'delete', `/pets/${pet.id}`, admin);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');

      const gone = await call(t, 'get', `/pets/${pet.id}`, admin);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual(notFound);
      const deletedAgain = await call(t, 'delete', `/pets/${pet.id}`, admin);
      expect(deletedAgain.status).toBe(404);
      expect(deletedAgain.body).toEqual(notFound);
    });

    it('answers age null for a pet created without one', async () => {
      const response = await call(t, 'post', '/pets', admin, { name: 'Tom', species: 'cat' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        name: 'Tom',
        species: 'cat',
        age: null,
        status: 'available',
        ownerId: null,
        createdAt: t.clock.now().toISOString(),
        updatedAt: t.clock.now().toISOString(),
      });
    });

    it('clears the age with PATCH age null and keeps the fields not sent', async () => {
      const pet = await createPet(t, admin, { name: 'Polly', species: 'parrot', age: 40 });
      t.clock.advanceSeconds(1);
      const response = await call(t, 'patch', `/pets/${pet.id}`, admin, { age: null });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...pet, age: null, updatedAt: t.clock.now().toISOString() });
    });

    it('changes nothing, updatedAt included, for an empty PATCH', async () => {
      const pet = await createPet(t, admin, { name: 'Nemo', species: 'fish' });
      t.clock.advanceSeconds(1);
      const response = await call(t, 'patch', `/pets/${pet.id}`, admin, {});
      expect(response.status).toBe(200);
      expect(response.body).toEqual(pet);
    });

    it('accepts the bounds: 100-character name, 50-character species, ages 0 and 200', async () => {
      for (const body of [
        { name: 'n'.repeat(100), species: 's'.repeat(50), age: 0 },
        { name: 'Old', species: 'tortoise', age: 200 },
      ]) {
        const response = await call(t, 'post', '/pets', admin, body);
        expect(response.status).toBe(201);
        expect(response.body).toEqual(expect.objectContaining(body));
      }
    });

    it('counts characters, not UTF-16 units: 100 emoji make a valid name', async () => {
      const name = '🐶'.repeat(100);
      const response = await call(t, 'post', '/pets', admin, { name, species: 'dog' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual(expect.objectContaining({ name, species: 'dog' }));
      const read = await call(t, 'get', `/pets/${(response.body as PetBody).id}`, admin);
      expect(read.body).toEqual(response.body);
    });

    it('finds a pet by its id in upper case', async () => {
      const pet = await createPet(t, admin, { name: 'Upper', species: 'dog' });
      const response = await call(t, 'get', `/pets/${pet.id.toUpperCase()}`, admin);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(pet);
    });
  });

  describe('validation', () => {
    it.each<[string, object, string]>([
      [
        'an unknown field',
        { name: 'Rex', species: 'dog', color: 'brown' },
        'property color should not exist',
      ],
      [
        'a status (set only by adoption)',
        { name: 'Rex', species: 'dog', status: 'adopted' },
        'property status should not exist',
      ],
      [
        'an ownerId',
        { name: 'Rex', species: 'dog', ownerId: randomUUID() },
        'property ownerId should not exist',
      ],
      ['an id', { id: randomUUID(), name: 'Rex', species: 'dog' }, 'property id should not exist'],
      ['no name', { species: 'dog' }, NAME_INVALID],
      ['a number as name', { name: 123, species: 'dog' }, NAME_INVALID],
      ['a null name', { name: null, species: 'dog' }, NAME_INVALID],
      ['an empty name', { name: '', species: 'dog' }, NAME_INVALID],
      ['a 101-character name', { name: 'n'.repeat(101), species: 'dog' }, NAME_INVALID],
      ['a NUL in the name', { name: 'R\u0000x', species: 'dog' }, NAME_INVALID],
      ['no species', { name: 'Rex' }, SPECIES_INVALID],
      ['a 51-character species', { name: 'Rex', species: 's'.repeat(51) }, SPECIES_INVALID],
      ['an array as species', { name: 'Rex', species: ['dog'] }, SPECIES_INVALID],
      ['a string as age', { name: 'Rex', species: 'dog', age: '3' }, AGE_INVALID],
      ['a fractional age', { name: 'Rex', species: 'dog', age: 3.5 }, AGE_INVALID],
      ['a negative age', { name: 'Rex', species: 'dog', age: -1 }, AGE_INVALID],
      ['an age over 200', { name: 'Rex', species: 'dog', age: 201 }, AGE_INVALID],
    ])('POST refuses %s with 400 naming the field', async (_case, body, message) => {
      const response = await call(t, 'post', '/pets', admin, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(badRequest(message));
    });

    it.each<[string, object, string]>([
      ['an unknown field', { color: 'brown' }, 'property color should not exist'],
      ['a status', { status: 'adopted' }, 'property status should not exist'],
      ['a null name', { name: null }, NAME_INVALID],
      ['an empty name', { name: '' }, NAME_INVALID],
      ['a boolean as species', { species: true }, SPECIES_INVALID],
      ['a null species', { species: null }, SPECIES_INVALID],
      ['a string as age', { age: 'old' }, AGE_INVALID],
    ])(
      'PATCH refuses %s with 400 naming the field, changing nothing',
      async (_case, body, message) => {
        const pet = await createPet(t, admin, { name: 'Stable', species: 'horse', age: 7 });
        const response = await call(t, 'patch', `/pets/${pet.id}`, admin, body);
        expect(response.status).toBe(400);
        expect(response.body).toEqual(badRequest(message));
        expect((await call(t, 'get', `/pets/${pet.id}`, admin)).body).toEqual(pet);
      },
    );

    it('names every failing field at once', async () => {
      const response = await call(t, 'post', '/pets', admin, { name: 1, species: 2, age: 'x' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        badRequest([NAME_INVALID, SPECIES_INVALID, AGE_INVALID].join('; ')),
      );
    });
  });

  describe('unknown ids', () => {
    const unknown = randomUUID();
    it.each<[Method, string]>([
      ['get', unknown],
      ['get', 'not-a-uuid'],
      ['get', '123'],
      ['patch', unknown],
      ['patch', 'not-a-uuid'],
      ['delete', unknown],
      ['delete', 'not-a-uuid'],
      ['delete', `${unknown}x`],
    ])('%s /pets/%s answers 404', async (method, id) => {
      const body = method === 'patch' ? { name: 'Ghost' } : undefined;
      const response = await call(t, method, `/pets/${id}`, admin, body);
      expect(response.status).toBe(404);
      expect(response.body).toEqual(notFound);
    });
  });

  describe('authentication and scopes (CONTRACT §2, RFC 6750 §3)', () => {
    let pet: PetBody;
    beforeAll(async () => {
      pet = await createPet(t, admin, { name: 'Guarded', species: 'dog' });
    });

    it.each<[Method, string]>([
      ['get', '/pets'],
      ['get', '/pets/:id'],
      ['post', '/pets'],
      ['patch', '/pets/:id'],
      ['delete', '/pets/:id'],
    ])('%s %s without a token answers 401 unauthorized', async (method, path) => {
      const body =
        method === 'post' || method === 'patch' ? { name: 'X', species: 'y' } : undefined;
      const response = await call(t, method, path.replace(':id', pet.id), undefined, body);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="signet"');
      expect(response.body).toEqual(apiError(401, 'unauthorized', 'An access token is required'));
    });

    it('answers 401 invalid_token for a token that is not a JWT', async () => {
      const response = await call(t, 'get', '/pets', 'not-a-jwt');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="signet", error="invalid_token"',
      );
      expect(response.body).toEqual(apiError(401, 'invalid_token', 'The access token is invalid'));
    });

    it.each<[string, 'reader' | 'writer', Method, string, string]>([
      ['pets:read only', 'reader', 'post', '/pets', 'pets:write'],
      ['pets:read only', 'reader', 'patch', '/pets/:id', 'pets:write'],
      ['pets:read only', 'reader', 'delete', '/pets/:id', 'pets:delete'],
      ['pets:write only', 'writer', 'delete', '/pets/:id', 'pets:delete'],
      ['pets:write only', 'writer', 'get', '/pets', 'pets:read'],
      ['pets:write only', 'writer', 'get', '/pets/:id', 'pets:read'],
    ])('a token with %s: %s %s answers 403 needing %s', async (_held, who, method, path, scope) => {
      const token = who === 'reader' ? reader : writer;
      const body =
        method === 'post' || method === 'patch' ? { name: 'X', species: 'y' } : undefined;
      const response = await call(t, method, path.replace(':id', pet.id), token, body);
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", scope="${scope}"`,
      );
      expect(response.body).toEqual(
        apiError(403, 'insufficient_scope', `This request needs the scope: ${scope}`),
      );
      expect((await call(t, 'get', `/pets/${pet.id}`, admin)).body).toEqual(pet);
    });

    it('lets pets:read read and pets:write write', async () => {
      const byId = await call(t, 'get', `/pets/${pet.id}`, reader);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(pet);
      const list = await call(t, 'get', '/pets', reader);
      expect(list.status).toBe(200);
      const created = await call(t, 'post', '/pets', writer, { name: 'Written', species: 'cat' });
      expect(created.status).toBe(201);
      const patched = await call(t, 'patch', `/pets/${pet.id}`, writer, { age: 2 });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({ ...pet, age: 2, updatedAt: t.clock.now().toISOString() });
    });
  });
});

describe('pets pagination (CONTRACT §2)', () => {
  let t: TestApp;
  let admin: string;
  let pets: PetBody[];
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    pets = [];
    for (const name of ['Ada', 'Bo', 'Cy', 'Di', 'Ed']) {
      pets.push(await createPet(t, admin, { name, species: 'cat' }));
      t.clock.advanceSeconds(1);
    }
  });
  afterAll(() => t.close({ drop: true }));

  const list = (query: string) => call(t, 'get', `/pets${query}`, admin);

  it('lists oldest first with the default limit 20 and offset 0', async () => {
    const response = await list('');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: pets, total: 5, limit: 20, offset: 0 });
  });

  it.each<[string, number[], number, number]>([
    ['?limit=2', [0, 1], 2, 0],
    ['?limit=2&offset=1', [1, 2], 2, 1],
    ['?limit=2&offset=4', [4], 2, 4],
    ['?offset=5', [], 20, 5],
    ['?offset=100', [], 20, 100],
    ['?limit=1', [0], 1, 0],
    ['?limit=100&offset=3', [3, 4], 100, 3],
  ])('pages with %s', async (query, indexes, limit, offset) => {
    const response = await list(query);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: indexes.map((i) => pets[i]),
      total: 5,
      limit,
      offset,
    });
  });

  it('answers every page like a slice of the whole list, walked from either end', async () => {
    // Pages nearer the end are found by walking the index from the end (PetsRepository).
    for (let offset = 0; offset <= pets.length + 1; offset += 1) {
      for (let limit = 1; limit <= pets.length + 1; limit += 1) {
        const response = await list(`?limit=${limit}&offset=${offset}`);
        expect([offset, limit, response.status, response.body]).toEqual([
          offset,
          limit,
          200,
          { items: pets.slice(offset, offset + limit), total: pets.length, limit, offset },
        ]);
      }
    }
  });

  it.each<[string, string]>([
    ['?limit=0', 'limit must not be less than 1'],
    ['?limit=101', 'limit must not be greater than 100'],
    ['?limit=-1', 'limit must not be less than 1'],
    ['?limit=1.5', 'limit must be an integer number'],
    ['?offset=-1', 'offset must not be less than 0'],
  ])('refuses %s with 400', async (query, message) => {
    const response = await list(query);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(badRequest(message));
  });

  it('refuses a limit that is not a number with 400 naming it', async () => {
    const response = await list('?limit=abc');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(
      badRequest(
        'limit must not be greater than 100; limit must not be less than 1; ' +
          'limit must be an integer number',
      ),
    );
  });

  it('refuses an unknown query parameter with 400 naming it', async () => {
    const response = await list('?sort=name');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(badRequest('property sort should not exist'));
  });

  it('breaks ties between pets created in the same millisecond by id', async () => {
    const twins = [
      await createPet(t, admin, { name: 'Twin', species: 'dog' }),
      await createPet(t, admin, { name: 'Twin', species: 'dog' }),
      await createPet(t, admin, { name: 'Twin', species: 'dog' }),
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    const response = await list('?offset=5');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: twins, total: 8, limit: 20, offset: 5 });
  });
});

describe('pets total: kept by the database, exact whatever writes the rows', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  const total = async () => {
    const response = await call(t, 'get', '/pets?limit=1', admin);
    expect(response.status).toBe(200);
    return (response.body as { total: number }).total;
  };
  const counted = async () => {
    const rows = await t.app
      .get(DataSource)
      .query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM pets');
    return Number(rows[0].n);
  };

  it('follows creations and deletions through the API and rows written straight into the table', async () => {
    expect(await total()).toBe(0);
    const created = [];
    for (let i = 0; i < 3; i += 1) {
      created.push(await createPet(t, admin, { name: `Pet ${i}`, species: 'cat' }));
    }
    expect(await total()).toBe(3);
    expect((await call(t, 'delete', `/pets/${created[0].id}`, admin)).status).toBe(204);
    expect(await total()).toBe(2);
    // Deleting the same pet again changes nothing.
    expect((await call(t, 'delete', `/pets/${created[0].id}`, admin)).status).toBe(404);
    expect(await total()).toBe(2);

    const dataSource = t.app.get(DataSource);
    const postgres = dataSource.options.type === 'postgres';
    const insert = postgres
      ? 'INSERT INTO pets (id, name, species, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)'
      : 'INSERT INTO pets (id, name, species, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)';
    for (let i = 0; i < 4; i += 1) {
      const now = Date.now() + i;
      await dataSource.query(
        insert,
        postgres
          ? [randomUUID(), `Direct ${i}`, 'dog', 'available', now]
          : [randomUUID(), `Direct ${i}`, 'dog', 'available', now, now],
      );
    }
    expect(await total()).toBe(6);
    await dataSource.query(`DELETE FROM pets WHERE name LIKE 'Direct%'`);
    expect(await total()).toBe(2);
    expect(await counted()).toBe(2);
    if (postgres) {
      // TRUNCATE fires no row triggers; a statement trigger resets the count.
      await dataSource.query('TRUNCATE pets');
      expect(await total()).toBe(0);
    }
  });

  it('reads a page and its total from one snapshot: a write started meanwhile lands after (Transactions.read)', async () => {
    const transactions = t.app.get(Transactions);
    const count = async (manager: EntityManager) =>
      Number(
        (
          await manager.query<{ total: number | string }[]>(
            'SELECT total FROM pet_count WHERE id = 1',
          )
        )[0].total,
      );
    const before = await total();
    let write: Promise<unknown> | undefined;
    const [first, second] = await transactions.read(async (manager) => {
      const a = await count(manager);
      // A creation through the API while the read is between its two statements.
      write = createPet(t, admin, { name: 'Meanwhile', species: 'cat' });
      await new Promise((done) => setTimeout(done, 200));
      return [a, await count(manager)];
    });
    await write;
    expect([first, second]).toEqual([before, before]);
    expect(await total()).toBe(before + 1);
  });
});

describe('GET /benchmark/pets/{id}: the public twin npm run bench measures the guard against', () => {
  const NO_SUCH_ROUTE = apiError(404, 'not_found', 'No such route');

  it('is off by default: 404 like an unknown route, whatever the id', async () => {
    const t = await createTestApp();
    try {
      const admin = await loginAsAdmin(t);
      const pet = await createPet(t, admin, { name: 'Rex', species: 'dog' });
      for (const id of [pet.id, 'not-a-uuid']) {
        const response = await call(t, 'get', `/benchmark/pets/${id}`);
        expect(response.status).toBe(404);
        expect(response.body).toEqual(NO_SUCH_ROUTE);
      }
      const docs = await t.http().get('/docs-json');
      expect(Object.keys(docs.body.paths as object)).not.toContain('/benchmark/pets/{id}');
    } finally {
      await t.close({ drop: true });
    }
  });

  it('with BENCHMARK_ROUTES answers what GET /pets/{id} answers, without a token', async () => {
    const t = await createTestApp({ config: { benchmarkRoutes: true } });
    try {
      const admin = await loginAsAdmin(t);
      const pet = await createPet(t, admin, { name: 'Rex', species: 'dog' });
      const guarded = await call(t, 'get', `/pets/${pet.id}`, admin);
      const twin = await call(t, 'get', `/benchmark/pets/${pet.id}`);
      expect(twin.status).toBe(200);
      expect(twin.body).toEqual(guarded.body);
      expect((await call(t, 'get', `/benchmark/pets/${randomUUID()}`)).body).toEqual(
        apiError(404, 'not_found', 'Pet not found'),
      );
      expect((await call(t, 'get', '/benchmark/pets/not-a-uuid')).status).toBe(404);
      // Only the read: nothing else about pets is public.
      expect((await call(t, 'post', '/benchmark/pets', undefined, { name: 'X' })).status).toBe(404);
      expect((await call(t, 'get', '/pets/' + pet.id)).status).toBe(401);
    } finally {
      await t.close({ drop: true });
    }
  });
});
