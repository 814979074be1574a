import { exportPkcs12, makeChain } from '../../test/support/pki';
import { ImportRejection } from './imported-key';
import { parsePkcs12Import } from './pkcs12';

describe('PKCS#12 import', () => {
  it('returns the key and the chain ordered leaf first', async () => {
    const company = await makeChain({ includeRoot: true });
    const pfx = exportPkcs12(company.leafKeyPem, company.chainPem, 'correct horse');
    const { privateKey, chain } = await parsePkcs12Import(pfx, 'correct horse');
    expect(privateKey.export({ format: 'pem', type: 'pkcs8' })).toBe(company.leafKeyPem);
    expect(chain.map((c) => Buffer.from(c.rawData).toString('base64'))).toEqual(company.x5c);
  });

  it.each<[string, (pfx: Buffer) => [Buffer, string]]>([
    ['a wrong passphrase', (pfx) => [pfx, 'wrong']],
    ['bytes that are not PKCS#12', () => [Buffer.from('not a pfx'), 'correct horse']],
    ['a truncated file', (pfx) => [pfx.subarray(0, pfx.length - 40), 'correct horse']],
  ])('refuses %s', async (_name, alter) => {
    const company = await makeChain();
    const [pfx, passphrase] = alter(
      exportPkcs12(company.leafKeyPem, company.chainPem, 'correct horse'),
    );
    await expect(parsePkcs12Import(pfx, passphrase)).rejects.toThrow(ImportRejection);
  });
});
