import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { loadConfig } from './config.schema';
import { SignetConfig } from './signet-config';

/** Makes the parsed, frozen SignetConfig injectable everywhere. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      load: [() => ({ signet: loadConfig(process.env) })],
    }),
  ],
  providers: [
    {
      provide: SignetConfig,
      inject: [ConfigService],
      useFactory: (config: ConfigService): SignetConfig =>
        config.getOrThrow<SignetConfig>('signet'),
    },
  ],
  exports: [SignetConfig],
})
export class SignetConfigModule {}
