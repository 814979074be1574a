// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs reflect-metadata
// loaded first; and it must use Node's WebCrypto. Import x509 through this file only.
//
// It is loaded on first use, not at start: it and its ASN.1 stack are ~15 % of the server's
// start-up and most deployments touch it only for x5c tokens and certificate imports.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let loaded: typeof X509 | undefined;

function load(): typeof X509 {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('@peculiar/x509') as typeof X509;
    module.cryptoProvider.set(
      webcrypto as unknown as Parameters<typeof module.cryptoProvider.set>[0],
    );
    loaded = module;
  }
  return loaded;
}

/** The @peculiar/x509 module, required the first time one of its members is read. */
export const x509 = new Proxy({} as typeof X509, {
  get: (_target, member): unknown => Reflect.get(load(), member),
});

/** The classes' instance types, for type positions (`x509.X509Certificate`). */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace x509 {
  export type X509Certificate = X509.X509Certificate;
  export type KeyUsagesExtension = X509.KeyUsagesExtension;
  export type BasicConstraintsExtension = X509.BasicConstraintsExtension;
  export type SubjectKeyIdentifierExtension = X509.SubjectKeyIdentifierExtension;
  export type AuthorityKeyIdentifierExtension = X509.AuthorityKeyIdentifierExtension;
  export type Extension = X509.Extension;
  export type JsonName = X509.JsonName;
}
