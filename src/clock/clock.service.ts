import { Injectable } from '@nestjs/common';

/**
 * The one source of business time: every merchant lives on its own clock (design-v2 §1).
 * Seam for the clock issue: for now every merchant follows the wall clock.
 */
@Injectable()
export class ClockService {
  /** The merchant's current time. */
  async now(_merchantId: string): Promise<Date> {
    return new Date();
  }
}
