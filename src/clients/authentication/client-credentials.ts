/** Whatever a token-endpoint request carries to authenticate its client (RFC 6749 §2.3). */
export interface PresentedClientCredentials {
  /** From `Authorization: Basic`, form-decoded. */
  basic?: { clientId: string; secret: string };
  /** A malformed Authorization header. */
  malformedHeader?: boolean;
  /** Form fields. */
  clientId?: string;
  clientSecret?: string;
  clientAssertionType?: string;
  clientAssertion?: string;
  /** The URL of the endpoint being called: a valid assertion audience besides the issuer. */
  endpointUrl: string;
}
