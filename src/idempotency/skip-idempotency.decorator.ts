import { SetMetadata } from '@nestjs/common';

export const SKIP_IDEMPOTENCY_KEY = 'skip_idempotency';

/**
 * The route ignores Idempotency-Key: nothing is claimed or stored. For responses that must not be
 * persisted (e.g. a newly created API key secret, which is otherwise stored only as a hash).
 */
export const SkipIdempotency = () => SetMetadata(SKIP_IDEMPOTENCY_KEY, true);
