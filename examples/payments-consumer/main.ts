/**
 * npx ts-node examples/payments-consumer/main.ts
 * Environment: SIGNET_ISSUER [http://localhost:3000], SIGNET_AUDIENCE [pets-api],
 * NATS_URL [nats://127.0.0.1:4222], NATS_STREAM [SIGNET_EVENTS], NATS_SUBJECT [signet.events].
 */
import { createJwksVerifier } from '../../src/verifier';
import { startPaymentsConsumer } from './payments-consumer';

async function main(): Promise<void> {
  const issuer = process.env.SIGNET_ISSUER ?? 'http://localhost:3000';
  const verify = createJwksVerifier({
    issuer,
    audience: process.env.SIGNET_AUDIENCE ?? 'pets-api',
    jwksUri: `${issuer}/.well-known/jwks.json`,
  });
  const consumer = await startPaymentsConsumer({
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    stream: process.env.NATS_STREAM ?? 'SIGNET_EVENTS',
    subject: process.env.NATS_SUBJECT ?? 'signet.events',
    durable: 'payments',
    verify,
    onOutcome: (outcome) => console.log(JSON.stringify(outcome)),
  });
  console.log('payments consumer: waiting for adoption events (Ctrl-C to stop)');
  const stop = () => {
    void consumer.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
