import { ApiProperty } from '@nestjs/swagger';

/** RFC 6749 §5.1 token response of /auth/login and /auth/refresh. */
export class TokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expires_in!: number;
  @ApiProperty({ example: 'pets:read pets:write' }) scope!: string;
  @ApiProperty() refresh_token!: string;
}
