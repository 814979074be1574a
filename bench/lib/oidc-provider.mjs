// The oidc-provider reference (bench/references/oidc-provider.mjs): its configuration, written
// where it starts, and its start, timed like any cold start; and Signet started beside it, for
// the diagnostics that compare the two (together.mjs, floor.mjs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { coldStart, freePort } from './processes.mjs';
import { partnerKeyPair, ROOT, setUp, startSignet } from './signet.mjs';

export const OIDC_BASIC = 'bench-basic:bench-basic-secret-0123456789abcdef';
export const OIDC_PARTNER_CLIENT_ID = 'bench-partner';

/** An RS256 signing key of its own, as Signet's: RSA 2048. */
async function rsaSigningJwk() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: 'oidc-bench-1', alg: 'RS256', use: 'sig' };
}

/**
 * Starts oidc-provider on a free port with a client_secret_basic client (OIDC_BASIC) and a
 * private_key_jwt client holding `partnerKey`'s public JWKS. Resolves to its child process and
 * base URL once its discovery document answers.
 */
export async function startOidcProvider(dir, partnerKey) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const configFile = join(dir, 'oidc.json');
  const [basicClientId, basicClientSecret] = OIDC_BASIC.split(':');
  writeFileSync(
    configFile,
    JSON.stringify({
      basicClientId,
      basicClientSecret,
      partnerClientId: OIDC_PARTNER_CLIENT_ID,
      partnerJwks: partnerKey.publicJwks,
      signingJwk: await rsaSigningJwk(),
    }),
  );
  const { child } = await coldStart(
    [join(ROOT, 'bench', 'references', 'oidc-provider.mjs')],
    `${base}/.well-known/openid-configuration`,
    { env: { PORT: String(port), CONFIG_FILE: configFile }, logFile: join(dir, 'oidc.log') },
  );
  return { child, base };
}

/**
 * The diagnostics' set-up: Signet (set up as the bench sets it up) and oidc-provider, both
 * started in one fresh directory named after `prefix`, with one partner key for both.
 */
export async function startSignetBesideOidcProvider(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const partner = await partnerKeyPair();
  const { child: server } = await startSignet(dir, port);
  const ctx = await setUp(base, partner);
  const oidc = await startOidcProvider(dir, partner);
  return { dir, base, server, ctx, oidc, partner };
}
