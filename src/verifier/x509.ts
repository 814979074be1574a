// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs reflect-metadata
// loaded first; and it must use Node's WebCrypto. Import x509 through this file only.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
