import { LoggerService } from '@nestjs/common';

function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  return text.split('\n')[0];
}

/**
 * The logger of a start-up that fails before pino takes over: warnings and errors as one
 * line each, without stack traces (operators get the cause, not Nest's internals).
 */
export class StartupLogger implements LoggerService {
  log(): void {}

  warn(message: unknown): void {
    process.stderr.write(`warning: ${firstLine(message)}\n`);
  }

  error(message: unknown): void {
    process.stderr.write(`error: ${firstLine(message)}\n`);
  }
}
