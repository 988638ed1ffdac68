/** The scheduled action that fails a PENDING refund (design-v2 §5), due 1 h after the refund on the merchant clock. */
export const REFUND_FAIL_LATER_KIND = 'refund.fail_later';
export const REFUND_FAIL_LATER_DELAY_MS = 60 * 60 * 1000;
