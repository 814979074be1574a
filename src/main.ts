import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from './config/config.schema';
import { SignetConfig } from './config/signet-config';
import { StartupLogger } from './logging/startup.logger';

/** Operator-facing failures end start-up with one line and exit code 1, never a stack trace. */
function fail(prefix: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${prefix}: ${message.split('\n')[0]}\n`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  let config: SignetConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // CONTRACT §1: one line naming the variable.
      fail('Configuration error', error);
    }
    throw error;
  }
  // The application is loaded only once the configuration is known to be good.
  const { AppModule } = await import('./app.module');
  const { configureApp, createHttpAdapter } = await import('./app.setup');
  const app = await NestFactory.create(AppModule, createHttpAdapter(config), {
    bufferLogs: true,
    abortOnError: false,
    logger: new StartupLogger(),
  }).catch((error: unknown) => fail('Start-up failed', error));
  configureApp(app);
  // Above the keep-alive timeout (createHttpAdapter), as Node requires.
  const server = app.getHttpServer() as import('node:http').Server;
  server.headersTimeout = 66_000;
  await app
    .listen(config.port, config.host)
    .catch((error: unknown) => fail('Start-up failed', error));
}

/** Settles once the server listens (src/start.ts waits for it to write the code cache). */
export const started = bootstrap();
