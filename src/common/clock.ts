import { Injectable } from '@nestjs/common';

/** The only source of "now" in Signet; tests replace it to move time without sleeping. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** Whole seconds since the epoch, as JWT NumericDate. */
  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
