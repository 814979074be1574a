/** Every scope Signet knows, once (CONTRACT §3). */
export const SCOPES = {
  petsRead: 'pets:read',
  petsWrite: 'pets:write',
  petsDelete: 'pets:delete',
  petsAdopt: 'pets:adopt',
  admin: 'admin',
  /** Event tokens only (§6, §9): refused at every HTTP endpoint. */
  adoptionsProcess: 'adoptions:process',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPES);

/** Scopes a user or client may hold and present at HTTP routes. */
export const HTTP_SCOPES: readonly Scope[] = ALL_SCOPES.filter(
  (s) => s !== SCOPES.adoptionsProcess,
);

/** The bootstrap admin's scopes (CONTRACT §1). */
export const ADMIN_SCOPES: readonly Scope[] = [
  SCOPES.admin,
  SCOPES.petsRead,
  SCOPES.petsWrite,
  SCOPES.petsDelete,
  SCOPES.petsAdopt,
];

export function isScope(value: string): value is Scope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}

/** Splits an RFC 6749 §3.3 scope string; duplicates collapse, order is kept. */
export function parseScopeString(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((s) => s !== ''))];
}

export function formatScopes(scopes: readonly string[]): string {
  return scopes.join(' ');
}
