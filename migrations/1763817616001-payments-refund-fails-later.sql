-- The fail-later refund card (4000000000005126) is recognised by its full number when the payment
-- is created (the number itself is never stored): brand + last 4 also matched any other Visa card
-- ending 5126. Rows from before this column were matched on brand + last 4; they keep that.
ALTER TABLE payments ADD COLUMN refund_fails_later boolean NOT NULL DEFAULT false;
UPDATE payments SET refund_fails_later = true WHERE card_brand = 'visa' AND card_last4 = '5126';
