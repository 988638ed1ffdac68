import { DataSource } from 'typeorm';

/**
 * Inserts `count` payments for a merchant straight into the table (analytics needs many rows at chosen
 * times). Row i: created at `start` + i × `stepMinutes`; amount 100 × (i % 10 + 1); USD for even i, EUR
 * for odd; i % 10 in 0-5 CAPTURED, 6 FAILED card_declined, 7 FAILED insufficient_funds, 8 AUTHORIZED, 9 CREATED.
 */
export async function seedPayments(db: DataSource, merchantId: string, count: number, start: string, stepMinutes = 10): Promise<void> {
  await db.query(
    `INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, amount_captured, amount_refunded,
                           card_brand, card_last4, card_exp_month, card_exp_year, failure_code, failure_message, created_at, updated_at)
     SELECT 'pay_' || upper(substr(md5($1 || ':' || $3 || ':' || i), 1, 26)), $1, 100 * (i % 10 + 1),
            CASE WHEN i % 2 = 0 THEN 'USD' ELSE 'EUR' END,
            CASE WHEN i % 10 <= 5 THEN 'CAPTURED' WHEN i % 10 IN (6, 7) THEN 'FAILED' WHEN i % 10 = 8 THEN 'AUTHORIZED' ELSE 'CREATED' END,
            'automatic',
            CASE WHEN i % 10 <= 5 THEN 100 * (i % 10 + 1) ELSE 0 END, 0, 'visa', '4242', 12, 2040,
            CASE WHEN i % 10 = 6 THEN 'card_declined' WHEN i % 10 = 7 THEN 'insufficient_funds' END,
            CASE WHEN i % 10 IN (6, 7) THEN 'declined' END,
            $3::timestamptz + make_interval(secs => i * $4::float8 * 60), $3::timestamptz + make_interval(secs => i * $4::float8 * 60)
       FROM generate_series(0, $2 - 1) AS i`,
    [merchantId, count, start, stepMinutes],
  );
}
