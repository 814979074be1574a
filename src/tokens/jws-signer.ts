import { constants, KeyObject, sign, SignKeyObjectInput } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { SigningAlgorithm } from '../config/signet-config';

/** The protected header Signet writes: always alg and kid, and what TOKEN_HEADER_KEYS adds. */
export interface JwsHeader {
  alg: SigningAlgorithm;
  kid: string;
  typ: string;
  x5c?: string[];
  jwk?: Record<string, unknown>;
}

/**
 * A protected header with its base64url encoding, made once: a key signs every token of one type
 * with the same header (with TOKEN_HEADER_KEYS=x5c, one carrying its certificate chain).
 */
export interface EncodedJwsHeader {
  readonly alg: SigningAlgorithm;
  readonly encoded: string;
}

export function encodeJwsHeader(header: JwsHeader): EncodedJwsHeader {
  return { alg: header.alg, encoded: encodeJson(header) };
}

/** node:crypto's digest and options for each JWS algorithm (RFC 7518 §3.3–3.5, RFC 8037 §3.1). */
const ALGORITHMS: Record<
  SigningAlgorithm,
  {
    digest: string | null;
    options: Omit<SignKeyObjectInput, 'key'>;
    /** The key it takes: node:crypto would sign with any private key, as jose would not. */
    fits: (key: KeyObject) => boolean;
  }
> = {
  RS256: { digest: 'sha256', options: { padding: constants.RSA_PKCS1_PADDING }, fits: isRsa },
  // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash.
  PS256: {
    digest: 'sha256',
    options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    fits: isRsa,
  },
  // RFC 7518 §3.4: R and S as two fixed-length big-endian integers, not DER.
  ES256: {
    digest: 'sha256',
    options: { dsaEncoding: 'ieee-p1363' },
    fits: (key) =>
      key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  },
  // Ed25519 hashes internally: no digest.
  EdDSA: { digest: null, options: {}, fits: (key) => key.asymmetricKeyType === 'ed25519' },
};

/** RFC 7518 §3.3: RSA keys of 2048 bits or more. */
function isRsa(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
}

/**
 * Signs compact JWS (RFC 7515 §7.1) with node:crypto, the OpenSSL primitive jose's WebCrypto
 * path ends in, without WebCrypto's per-call glue. With more than one CPU available the signature
 * is made in libuv's thread pool, beside the event loop; with one (a container limited to one
 * CPU, or a process pinned to one core) nothing runs beside the loop, and the thread-pool hop
 * only adds two context switches, so it signs in place. Tokens are verified with jose everywhere.
 */
export class JwsSigner {
  constructor(readonly inThreadPool: boolean = availableParallelism() > 1) {}

  sign({ alg, encoded }: EncodedJwsHeader, payload: object, key: KeyObject): Promise<string> {
    const signingInput = `${encoded}.${encodeJson(payload)}`;
    const { digest, options, fits } = ALGORITHMS[alg];
    if (key.type !== 'private' || !fits(key)) {
      return Promise.reject(new TypeError(`The signing key does not fit ${alg}`));
    }
    const data = Buffer.from(signingInput, 'ascii');
    const input: SignKeyObjectInput = { key, ...options };
    if (!this.inThreadPool) {
      return Promise.resolve(`${signingInput}.${sign(digest, data, input).toString('base64url')}`);
    }
    return new Promise((resolve, reject) => {
      sign(digest, data, input, (error, signature) => {
        if (error) {
          reject(error);
        } else {
          resolve(`${signingInput}.${signature.toString('base64url')}`);
        }
      });
    });
  }
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
