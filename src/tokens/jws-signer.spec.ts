import { generateKeyPairSync } from 'node:crypto';
import { compactVerify } from 'jose';
import { SigningAlgorithm } from '../config/signet-config';
import { GeneratedKey, generateSigningKey } from '../keys/key-material';
import { encodeJwsHeader, JwsSigner } from './jws-signer';

const ALGORITHMS: SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const MODES = [
  ['in the thread pool', new JwsSigner(true)],
  ['in place', new JwsSigner(false)],
] as const;

describe('JwsSigner', () => {
  // The keys Signet itself generates for each algorithm.
  const keys = new Map<SigningAlgorithm, GeneratedKey>();
  beforeAll(async () => {
    for (const alg of ALGORITHMS) {
      keys.set(alg, await generateSigningKey(alg));
    }
  });

  describe.each(MODES)('%s', (_mode, signer) => {
    it.each(ALGORITHMS)(
      'signs %s tokens that jose verifies, header and payload intact',
      async (alg) => {
        const { privateKey, publicKey } = keys.get(alg)!;
        const payload = {
          sub: 'client-1',
          scope: 'pets:read',
          username: 'zoë 🐾',
          exp: 2_000_000_000,
        };
        const header = { alg, kid: 'kid-1', typ: 'at+jwt', x5c: ['MIIB'] };
        const token = await signer.sign(encodeJwsHeader(header), payload, privateKey);

        expect(token.split('.')).toHaveLength(3);
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        // jose checks the alg against the key and, for PS256, MGF1-SHA256 with a 32-byte salt.
        const verified = await compactVerify(token, publicKey, { algorithms: [alg] });
        expect(verified.protectedHeader).toEqual(header);
        expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(payload);
      },
    );

    it('writes ES256 signatures as R||S (64 bytes), not DER', async () => {
      const token = await signer.sign(
        encodeJwsHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' }),
        { sub: 'x' },
        keys.get('ES256')!.privateKey,
      );
      expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(64);
    });

    it.each([
      ['RS256', 'an EC key', () => keys.get('ES256')!.privateKey],
      [
        'PS256',
        'an RSA key of 1024 bits',
        () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
      ],
      ['ES256', 'an Ed25519 key', () => keys.get('EdDSA')!.privateKey],
      ['ES256', 'a P-384 key', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
      ['EdDSA', 'an RSA key', () => keys.get('RS256')!.privateKey],
      ['RS256', 'a public key', () => keys.get('RS256')!.publicKey],
    ] as const)('refuses to sign %s with %s', async (alg, _key, key) => {
      await expect(
        signer.sign(encodeJwsHeader({ alg, kid: 'k', typ: 'at+jwt' }), {}, key()),
      ).rejects.toThrow(`The signing key does not fit ${alg}`);
    });
  });
});
