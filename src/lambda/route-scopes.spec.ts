import { parseRouteScopes, routeOfMethodArn, scopesForRoute } from './route-scopes';

describe('route scopes of the Lambda authorizer', () => {
  const routes = parseRouteScopes(
    JSON.stringify({
      'GET /pets': 'pets:read',
      'get /pets/{id}/': ['pets:read'],
      'POST /pets/{id}/adopt': 'pets:adopt pets:read',
    }),
  );

  it.each([
    ['arn:aws:execute-api:eu-west-1:123:api1/prod/GET/pets', 'GET /pets'],
    ['arn:aws:execute-api:eu-west-1:123:api1/prod/GET/', 'GET /'],
    ['arn:aws:execute-api:eu-west-1:123:api1/prod/POST/pets/7/adopt', 'POST /pets/7/adopt'],
    ['arn:aws:execute-api:eu-west-1:123:api1/prod', undefined],
    ['arn:aws:lambda:eu-west-1:123:function:f', undefined],
    ['not an arn', undefined],
  ])('reads %s as %s', (arn, route) => {
    expect(routeOfMethodArn(arn)).toBe(route);
  });

  it.each([
    ['GET /pets', ['pets:read']],
    ['GET /pets/42', ['pets:read']],
    ['POST /pets/42/adopt', ['pets:adopt', 'pets:read']],
    ['DELETE /pets/42', undefined],
    ['GET /pets/42/photos', undefined],
  ])('requires for %s: %j', (route, scopes) => {
    expect(scopesForRoute(routes, route)).toEqual(scopes);
  });

  it.each(['[]', '"x"', '{"GET /pets": 1}', '{"GET /pets": [1]}', 'not json'])(
    'refuses ROUTE_SCOPES %s',
    (json) => {
      expect(() => parseRouteScopes(json)).toThrow();
    },
  );
});
