-- Speed pass 2 (issue 19): a card payment's velocity count in one round trip.
-- risk_velocity_count is the two statements VelocityService ran in a transaction of its own (BEGIN,
-- bump, count, COMMIT: four round trips while holding the key rows' locks), now one call: the key
-- rows are locked by the first statement and released at the end of the call's statement, so
-- concurrent creates on one card take turns for the time the server runs it, not for four round trips.
-- Exactness is the same: the function is VOLATILE, so its second statement takes a fresh snapshot and
-- sees every payment committed on these keys before we got their locks.
--   p_now: the payment's merchant-clock time; p_hour_cut / p_day_cut: p_now - 1 h / - 24 h;
--   p_dimensions / p_hashes: the charge keys (card, ip, email), in the global lock order;
--   p_card: the card fingerprint (its declines of the last hour are counted too).
-- Answers one row per charge key (its hourly and daily counts, this payment included) and a
-- 'card_declines' row (hourly).
CREATE FUNCTION risk_velocity_count(
  p_merchant text,
  p_now timestamptz,
  p_hour_cut timestamptz,
  p_day_cut timestamptz,
  p_dimensions text[],
  p_hashes text[],
  p_card text
) RETURNS TABLE (dimension text, hourly integer, daily integer)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  WITH keyed AS (
    INSERT INTO risk_velocity_keys AS k (merchant_id, dimension, key_hash, total, latest_at, hour_cursor, hour_expired, day_cursor, day_expired)
    SELECT p_merchant, b.dimension, b.key_hash, 1, p_now, p_hour_cut, 0, p_day_cut, 0
      FROM unnest(p_dimensions, p_hashes) WITH ORDINALITY AS b (dimension, key_hash, n)
     ORDER BY b.n
    ON CONFLICT ON CONSTRAINT risk_velocity_keys_pk DO UPDATE SET
      total = k.total + 1,
      latest_at = GREATEST(k.latest_at, EXCLUDED.latest_at),
      -- a payment at or before a cursor (its clock read before an advance) is already out of that window
      hour_expired = k.hour_expired + CASE WHEN EXCLUDED.latest_at <= k.hour_cursor THEN 1 ELSE 0 END,
      day_expired = k.day_expired + CASE WHEN EXCLUDED.latest_at <= k.day_cursor THEN 1 ELSE 0 END
  )
  INSERT INTO risk_velocity_events (merchant_id, dimension, key_hash, at)
  SELECT p_merchant, b.dimension, b.key_hash, p_now FROM unnest(p_dimensions, p_hashes) AS b (dimension, key_hash);

  -- Concurrent creates on one card take turns on its key row until commit: not waiting for the WAL
  -- flush keeps that turn short. A crash can lose the last few milliseconds of velocity rows (never
  -- a payment, an event or a delivery: those commit in their own, synchronous, transactions).
  PERFORM set_config('synchronous_commit', 'off', true);

  -- A new statement: its snapshot has every payment committed on these keys before we got their locks.
  -- The running totals answer when this payment's clock is at most a second behind the key's newest
  -- (concurrent creates reach the lock in any order): the window then ends at the key's newest
  -- payment, which is this one or a concurrent one that took its turn first. A payment further behind
  -- (its clock read before an advance) is counted row by row over its own window.
  RETURN QUERY
  WITH advanced AS (
    UPDATE risk_velocity_keys k SET
      hour_expired = k.hour_expired + CASE WHEN p_hour_cut > k.hour_cursor THEN
        (SELECT count(*) FROM risk_velocity_events e
          WHERE e.merchant_id = k.merchant_id AND e.dimension = k.dimension AND e.key_hash = k.key_hash
            AND e.at > k.hour_cursor AND e.at <= p_hour_cut) ELSE 0 END,
      hour_cursor = GREATEST(k.hour_cursor, p_hour_cut),
      day_expired = k.day_expired + CASE WHEN p_day_cut > k.day_cursor THEN
        (SELECT count(*) FROM risk_velocity_events e
          WHERE e.merchant_id = k.merchant_id AND e.dimension = k.dimension AND e.key_hash = k.key_hash
            AND e.at > k.day_cursor AND e.at <= p_day_cut) ELSE 0 END,
      day_cursor = GREATEST(k.day_cursor, p_day_cut)
      FROM unnest(p_dimensions, p_hashes) AS b (dimension, key_hash)
     WHERE k.merchant_id = p_merchant AND k.dimension = b.dimension AND k.key_hash = b.key_hash
    RETURNING k.dimension, k.key_hash, k.total, k.latest_at, k.hour_cursor, k.hour_expired, k.day_cursor, k.day_expired
  ), pruned AS (
    -- counted out of both windows (day_cursor <= hour_cursor): never read again
    DELETE FROM risk_velocity_events e USING advanced a
     WHERE e.merchant_id = p_merchant AND e.dimension = a.dimension AND e.key_hash = a.key_hash AND e.at <= a.day_cursor
  )
  SELECT a.dimension,
         CASE WHEN a.latest_at <= p_now + interval '1 second' AND a.hour_cursor <= p_hour_cut + interval '1 second' THEN (a.total - a.hour_expired)::integer ELSE
           (SELECT count(*)::integer FROM risk_velocity_events e
             WHERE e.merchant_id = p_merchant AND e.dimension = a.dimension AND e.key_hash = a.key_hash
               AND e.at > p_hour_cut AND e.at <= p_now) END,
         CASE WHEN a.latest_at <= p_now + interval '1 second' AND a.day_cursor <= p_day_cut + interval '1 second' THEN (a.total - a.day_expired)::integer ELSE
           (SELECT count(*)::integer FROM risk_velocity_events e
             WHERE e.merchant_id = p_merchant AND e.dimension = a.dimension AND e.key_hash = a.key_hash
               AND e.at > p_day_cut AND e.at <= p_now) END
    FROM advanced a
  UNION ALL
  SELECT 'card_declines', count(*)::integer, 0 FROM risk_velocity_events e
   WHERE e.merchant_id = p_merchant AND e.dimension = 'card_declines' AND e.key_hash = p_card
     AND e.at > p_hour_cut AND e.at <= p_now;
END
$$;
