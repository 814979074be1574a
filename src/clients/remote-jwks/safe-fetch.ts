import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { isForbiddenAddress, isForbiddenLiteral } from './address-policy';

/** Limits of a client JWKS download. */
export interface FetchLimits {
  maxBytes: number;
}

export class UnsafeFetchError extends Error {}

/** DNS lookup that refuses forbidden addresses: the check applies to the address connected to. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 4);
      return;
    }
    const allowed = addresses.filter((a) => !isForbiddenAddress(a.address));
    if (allowed.length === 0) {
      callback(new UnsafeFetchError(`${hostname} resolves only to forbidden addresses`), '', 4);
      return;
    }
    if (options.all) {
      (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      return;
    }
    callback(null, allowed[0].address, allowed[0].family);
  });
};

/**
 * Node fails an aborted request with its own AbortError; jose recognises its timeout only
 * by the signal's TimeoutError (and then says JWKSTimeout), so hand that on instead.
 */
function failureOf(error: Error, signal: AbortSignal): Error {
  // Not `instanceof Error`: the DOMException may come from another realm (Jest's, for one).
  return signal.aborted ? (signal.reason as Error) : error;
}

function readCapped(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy(new UnsafeFetchError(`response larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', (error) => reject(failureOf(error, signal)));
  });
}

/**
 * A fetch for jose's remote JWKS (its `customFetch`): no redirects (a 3xx is just not 200),
 * no link-local or metadata addresses, a size cap, and jose's own timeout signal.
 */
export function createSafeFetch(limits: FetchLimits) {
  return async (
    url: string,
    options: { headers: Headers; signal: AbortSignal },
  ): Promise<Response> => {
    const target = new URL(url);
    // Node connects to an IP literal without a DNS lookup, so guardedLookup never sees it.
    if (isForbiddenLiteral(target.hostname)) {
      throw new UnsafeFetchError(`${target.hostname} is a forbidden address`);
    }
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = request(target, {
        method: 'GET',
        headers: { accept: 'application/jwk-set+json, application/json' },
        lookup: guardedLookup,
        signal: options.signal,
      });
      outgoing.on('response', resolve);
      outgoing.on('error', (error) => reject(failureOf(error, options.signal)));
      outgoing.end();
    });
    if (response.statusCode !== 200) {
      response.resume();
      return new Response(null, { status: response.statusCode ?? 502 });
    }
    const body = await readCapped(response, limits.maxBytes, options.signal);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}
