import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MeResponse {
  @ApiProperty() sub!: string;
  @ApiPropertyOptional() username?: string;
  @ApiProperty() client_id!: string;
  @ApiProperty() scope!: string;
}
