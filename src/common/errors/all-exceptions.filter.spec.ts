import { ArgumentsHost, Logger } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { OAuthError } from './signet.errors';

interface Answer {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

/** Runs the filter on one exception for a request with this URL and id (Fastify's shapes). */
function answer(exception: unknown, request: { url: string; id: string }): Answer {
  const result: Answer = { headers: {} };
  const reply = {
    sent: false,
    header(name: string, value: string) {
      result.headers[name.toLowerCase()] = value;
      return this;
    },
    status(code: number) {
      result.status = code;
      return this;
    },
    send(body: unknown) {
      result.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', ...request }),
      getResponse: () => reply,
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
    const result = answer(new Error('secret library detail'), { url: '/pets', id: 'req-1' });
    expect(result).toEqual({
      status: 500,
      body: {
        statusCode: 500,
        error: 'internal_error',
        message: 'Internal error',
        request_id: 'req-1',
      },
      headers: { 'x-request-id': 'req-1' },
    });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-1', method: 'GET', path: '/pets' }),
      'Unhandled error',
    );
  });

  it('adds request_id to the RFC 6749 §5.2 body of /oauth/*', () => {
    const result = answer(new OAuthError('invalid_scope', 'Scope not allowed'), {
      url: '/oauth/token',
      id: 'req-2',
    });
    expect(result).toEqual({
      status: 400,
      body: { error: 'invalid_scope', error_description: 'Scope not allowed', request_id: 'req-2' },
      headers: { 'cache-control': 'no-store', 'x-request-id': 'req-2' },
    });
  });

  it('logs the path without the query string, which may carry anything a client typed', () => {
    answer(new Error('boom'), { url: '/pets?name=secret', id: 'req-3' });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-3', path: '/pets' }),
      'Unhandled error',
    );
  });
});
