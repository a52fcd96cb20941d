-- Reserved for issue 20's flow control (idempotency keys, concurrency limits, priorities),
-- built on another branch at the same time. This placeholder keeps the versions gapless
-- until that migration lands and replaces it.
SELECT 1;
