/** The scopes each route needs, keyed `METHOD /path`; `{name}` matches one path segment. */
export type RouteScopes = ReadonlyMap<string, readonly string[]>;

/** Parses ROUTE_SCOPES: `{"GET /pets": "pets:read", "POST /pets": ["pets:write"]}`. */
export function parseRouteScopes(json: string): RouteScopes {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('ROUTE_SCOPES must be a JSON object');
  }
  const routes = new Map<string, readonly string[]>();
  for (const [route, scopes] of Object.entries(value as Record<string, unknown>)) {
    const list: unknown = typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : scopes;
    if (!Array.isArray(list) || !list.every((s): s is string => typeof s === 'string')) {
      throw new Error(`ROUTE_SCOPES["${route}"] must be a scope string or a list of scopes`);
    }
    routes.set(normaliseRoute(route), list);
  }
  return routes;
}

function normaliseRoute(route: string): string {
  const [method, ...rest] = route.trim().split(/\s+/);
  const path = '/' + rest.join('').replace(/^\/+|\/+$/g, '');
  return `${method.toUpperCase()} ${path}`;
}

/**
 * The `METHOD /path` at the end of an API Gateway method ARN:
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`.
 */
export function routeOfMethodArn(methodArn: string): string | undefined {
  const parts = methodArn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'execute-api') {
    return undefined;
  }
  const [, , method, ...path] = parts.slice(5).join(':').split('/');
  if (!method) {
    return undefined;
  }
  return normaliseRoute(`${method} /${path.join('/')}`);
}

/** The scopes a route needs; undefined when the route is not in the map (→ Deny). */
export function scopesForRoute(routes: RouteScopes, route: string): readonly string[] | undefined {
  const exact = routes.get(route);
  if (exact) {
    return exact;
  }
  for (const [pattern, scopes] of routes) {
    if (matches(pattern, route)) {
      return scopes;
    }
  }
  return undefined;
}

function matches(pattern: string, route: string): boolean {
  const expected = pattern.split('/');
  const actual = route.split('/');
  return (
    expected.length === actual.length &&
    expected.every((segment, i) => segment === actual[i] || /^\{[^/]+\}$/.test(segment))
  );
}
