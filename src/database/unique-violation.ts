/** Whether a driver error is a unique-constraint violation (PostgreSQL 23505, SQLite UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '23505' || (code === 'SQLITE_CONSTRAINT' && String(message).includes('UNIQUE'));
}
