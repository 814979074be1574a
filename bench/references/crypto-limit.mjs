// The crypto limit: jose sign and verify per second, one core, a typical access-token payload.
// Each loop is bounded by time (SECONDS per operation) and prints one JSON line.
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';

const seconds = Number(process.env.SECONDS_PER_OPERATION ?? '1');
const payload = {
  iss: 'http://127.0.0.1:3000',
  sub: '3f1c9a52-2b0c-4c8e-9a57-0c5d1b1f7e11',
  aud: 'pets-api',
  client_id: 'signet-login',
  scope: 'pets:read',
  jti: 'a3a1c2f8-7f8e-4c36-9e51-2d6f1c0b9e42',
};

async function perSecond(operation) {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    await operation();
    count += 1;
  }
  return count / seconds;
}

const results = {};
for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
  const { privateKey, publicKey } = await generateKeyPair(
    alg,
    alg === 'EdDSA' ? { crv: 'Ed25519' } : {},
  );
  const now = Math.floor(Date.now() / 1000);
  const sign = () =>
    new SignJWT(payload)
      .setProtectedHeader({ alg, typ: 'at+jwt', kid: 'k1' })
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(privateKey);
  const token = await sign();
  const signPerSecond = await perSecond(sign);
  const verifyPerSecond = await perSecond(() => jwtVerify(token, publicKey));
  results[alg] = { signPerSecond, verifyPerSecond };
}
process.stdout.write(`${JSON.stringify(results)}\n`);
