/**
 * Apps created in the current test file and not closed yet (test/support/app.ts adds them).
 * A module of its own, importing nothing: the setup file that closes leftovers must not load
 * the app's modules before a spec's jest.mock() calls (request-id.e2e-spec.ts mocks pino).
 */
export const openApps = new Set<{ close(): Promise<void> }>();

/** Closes what a test left open, e.g. when an assertion failed before its `close()`. */
export async function closeLeftoverApps(): Promise<void> {
  await Promise.all([...openApps].map((leftover) => leftover.close()));
}
