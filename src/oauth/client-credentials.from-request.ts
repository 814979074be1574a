import type { FastifyRequest } from 'fastify';
import { PresentedClientCredentials } from '../clients/authentication/client-credentials';
import { authorizationValues, parseBasic } from '../common/http/authorization-header';
import { OAuthForm } from './form';

/** What a request presents to authenticate its client: the Basic header and the form fields. */
export function presentedCredentials(
  request: FastifyRequest,
  form: OAuthForm,
  endpointUrl: string,
): PresentedClientCredentials {
  const basic = parseBasic(authorizationValues(request.raw.rawHeaders));
  return {
    basic:
      basic.kind === 'basic' ? { clientId: basic.username, secret: basic.password } : undefined,
    malformedHeader: basic.kind === 'malformed',
    clientId: form.client_id,
    clientSecret: form.client_secret,
    clientAssertionType: form.client_assertion_type,
    clientAssertion: form.client_assertion,
    endpointUrl,
  };
}
