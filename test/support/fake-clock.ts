import { Clock } from '../../src/common/clock';

/** A clock tests move by hand; it starts at the real time. */
export class FakeClock extends Clock {
  private current = Date.now();

  override now(): Date {
    return new Date(this.current);
  }

  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }

  set(date: Date): void {
    this.current = date.getTime();
  }
}
