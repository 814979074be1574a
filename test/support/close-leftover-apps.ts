import { closeLeftoverApps } from './open-apps';

// At the end of each e2e file: a test that failed before closing an app must fail the run, not
// hang it on that app's timers. close() is idempotent, so a file's own later close() still works.
afterAll(closeLeftoverApps);
