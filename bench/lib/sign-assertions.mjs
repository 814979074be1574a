// Signs COUNT private_key_jwt client assertions (RFC 7523), each with its own jti, before the
// timed window; writes them one per line to OUT_FILE. Run in a child process per core.
import { writeFileSync } from 'node:fs';
import { importJWK, SignJWT } from 'jose';

const { COUNT, OUT_FILE, CLIENT_ID, AUDIENCE, PRIVATE_JWK, PREFIX } = process.env;
const jwk = JSON.parse(PRIVATE_JWK);
const key = await importJWK(jwk, 'PS256');
const now = Math.floor(Date.now() / 1000);
const lines = [];
for (let i = 0; i < Number(COUNT); i += 1) {
  lines.push(
    await new SignJWT({ jti: `${PREFIX}-${i}` })
      .setProtectedHeader({ alg: 'PS256', kid: jwk.kid })
      .setIssuer(CLIENT_ID)
      .setSubject(CLIENT_ID)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 290)
      .sign(key),
  );
}
writeFileSync(OUT_FILE, lines.join('\n'));
