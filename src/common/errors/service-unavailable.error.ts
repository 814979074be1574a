import { SignetError } from './signet.errors';

/** A dependency (the database) is not answering: 503 in the CONTRACT §2 body shape. */
export class ServiceUnavailableError extends SignetError {
  readonly status = 503;
  readonly error = 'service_unavailable';
}
