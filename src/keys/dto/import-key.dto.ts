import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/**
 * An external signing key with its certificate chain (CONTRACT §11): either PEM
 * (`private_key_pem` + `certificate_chain_pem`, leaf first) or PKCS#12 (`pkcs12_base64` +
 * `passphrase`).
 */
export class ImportKeyDto {
  /** Unencrypted PKCS#8 or PKCS#1/SEC1 private key, PEM. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(16_000)
  private_key_pem?: string;

  /** The signing certificate first, then its issuers, as one PEM bundle. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(48_000)
  certificate_chain_pem?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBase64()
  @MaxLength(60_000)
  pkcs12_base64?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  passphrase?: string;

  /** For an RSA key: RS256 (default) or PS256. Other key types have one algorithm. */
  @ApiPropertyOptional({ enum: ['RS256', 'PS256'] })
  @IsOptional()
  @IsIn(['RS256', 'PS256'])
  alg?: 'RS256' | 'PS256';
}
