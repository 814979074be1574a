import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.1 / RFC 8693 §2.2.1 token response. */
export class OAuthTokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expires_in!: number;
  @ApiProperty() scope!: string;
  @ApiPropertyOptional() issued_token_type?: string;
}
