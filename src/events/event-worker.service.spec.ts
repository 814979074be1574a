import { Logger } from '@nestjs/common';
import { SignetConfig } from '../config/signet-config';
import { EventConsumer } from './event-consumer.service';
import { EventWorker } from './event-worker.service';
import { EventRelay } from './relay/event-relay.service';

describe('EventWorker', () => {
  const report = { processed: 0, rejected: 0, retried: 0 };
  let consumer: { processPending: jest.Mock };
  let relay: { isEnabled: boolean; relayPending: jest.Mock };

  const workerEvery = (seconds: number) =>
    new EventWorker(
      consumer as unknown as EventConsumer,
      relay as unknown as EventRelay,
      { eventPollIntervalSeconds: seconds } as SignetConfig,
    );

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    consumer = { processPending: jest.fn().mockResolvedValue(report) };
    relay = { isEnabled: true, relayPending: jest.fn().mockResolvedValue(0) };
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('runs the consumer, then the relay, every EVENT_POLL_INTERVAL seconds until shutdown', async () => {
    const worker = workerEvery(2);
    worker.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1999);
    expect(consumer.processPending).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(consumer.processPending).toHaveBeenCalledTimes(1);
    expect(relay.relayPending).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(consumer.processPending).toHaveBeenCalledTimes(2);

    await worker.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumer.processPending).toHaveBeenCalledTimes(2);
  });

  it('keeps going after a failed pass', async () => {
    consumer.processPending.mockRejectedValueOnce(new Error('database down'));
    relay.relayPending.mockRejectedValueOnce(new Error('broker down'));
    const worker = workerEvery(1);
    worker.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2000);
    expect(consumer.processPending).toHaveBeenCalledTimes(2);
    expect(relay.relayPending).toHaveBeenCalledTimes(2);
    await worker.beforeApplicationShutdown();
  });

  it('waits for the pass under way when the app stops', async () => {
    let finish!: () => void;
    consumer.processPending.mockReturnValueOnce(
      new Promise((resolve) => (finish = () => resolve(report))),
    );
    const worker = workerEvery(1);
    worker.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1000);
    let stopped = false;
    const stopping = worker.beforeApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(relay.relayPending).not.toHaveBeenCalled();
  });

  it('never runs with EVENT_POLL_INTERVAL=0, nor relays without a broker', async () => {
    workerEvery(0).onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumer.processPending).not.toHaveBeenCalled();

    relay.isEnabled = false;
    const worker = workerEvery(1);
    worker.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1000);
    expect(consumer.processPending).toHaveBeenCalledTimes(1);
    expect(relay.relayPending).not.toHaveBeenCalled();
    await worker.beforeApplicationShutdown();
  });
});
