import { ArgumentsHost, Logger } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { NotFoundError, OAuthError } from './signet.errors';

interface Answer {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

/** Runs the filter on one exception for a request with this path, id and response headers. */
function answer(
  exception: unknown,
  request: { path: string; id?: unknown },
  headers: Record<string, string> = {},
): Answer {
  const result: Answer = { headers: { ...headers } };
  const response = {
    headersSent: false,
    getHeader: (name: string) => result.headers[name.toLowerCase()],
    setHeader: (name: string, value: string) => {
      result.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      result.status = code;
      return this;
    },
    json(body: unknown) {
      result.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', ...request }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return result;
}

describe('AllExceptionsFilter request ids (CONTRACT §2)', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('answers an unexpected error with a plain 500 whose request_id leads to its log line', () => {
    const result = answer(new Error('secret library detail'), { path: '/pets', id: 'req-1' });
    expect(result).toEqual({
      status: 500,
      body: {
        statusCode: 500,
        error: 'internal_error',
        message: 'Internal error',
        request_id: 'req-1',
      },
      headers: {},
    });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-1', method: 'GET', path: '/pets' }),
      'Unhandled error',
    );
  });

  it('adds request_id to the RFC 6749 §5.2 body of /oauth/*', () => {
    const result = answer(new OAuthError('invalid_scope', 'Scope not allowed'), {
      path: '/oauth/token',
      id: 'req-2',
    });
    expect(result).toEqual({
      status: 400,
      body: { error: 'invalid_scope', error_description: 'Scope not allowed', request_id: 'req-2' },
      headers: { 'cache-control': 'no-store' },
    });
  });

  it('falls back to the X-Request-Id already answered when the request has no id', () => {
    const result = answer(
      new NotFoundError('Pet'),
      { path: '/pets/1' },
      { 'x-request-id': 'from-header' },
    );
    expect(result.body).toEqual({
      statusCode: 404,
      error: 'not_found',
      message: 'Pet not found',
      request_id: 'from-header',
    });
  });

  it('leaves request_id out when the request never got an id', () => {
    const result = answer(new NotFoundError('Pet'), { path: '/pets/1' });
    expect(result.body).toStrictEqual({
      statusCode: 404,
      error: 'not_found',
      message: 'Pet not found',
    });
    const internal = answer(new Error('boom'), { path: '/pets' });
    expect(internal.body).toStrictEqual({
      statusCode: 500,
      error: 'internal_error',
      message: 'Internal error',
    });
  });
});
