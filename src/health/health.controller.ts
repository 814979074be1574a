import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator';
import { ServiceUnavailableError } from '../common/errors/service-unavailable.error';
import { DatabaseHealthIndicator } from './database.health';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  /**
   * 200 `{status: "ok", ...}` when the database answers, 503 otherwise (CONTRACT §10).
   * Terminus' own 503 body (`{status: "error", error: {...}}`) would carry the driver's message;
   * it becomes a CONTRACT §2 error body instead.
   */
  @Get()
  @ApiOkResponse({ description: 'The database answers: `{status: "ok", info, error, details}`' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.pingCheck('database', 2000)]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new ServiceUnavailableError('The database is not answering', 'database_down');
      }
      throw error;
    }
  }
}
