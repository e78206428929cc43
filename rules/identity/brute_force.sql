-- id: identity.brute_force
-- title: Brute force: many failed sign-ins on one account
-- severity: medium
-- needs: entra_signin|m365_ual
-- param: min_failures = 10 | failed sign-ins on one account...
-- param: window_min = 60 | ...within this many minutes
-- description: At least min_failures failed sign-ins for one account within window_min
--   minutes, from any addresses. Guessing one account's password, or an MFA-fatigue run. A
--   success on that account within the burst makes it high and is carried in the finding.
-- false_positives: A phone with an old password retrying every few minutes (one address, one
--   client, all night). Lockout (50053) and MFA (50074, 500121) codes mean different things
--   from 50126 (bad password).
-- references: https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
WITH f AS MATERIALIZED (
  SELECT id, ts, actor FROM events
  WHERE category = 'signin' AND source IN ('entra_signin', 'm365_ual') AND outcome = 'failure'
    AND actor IS NOT NULL),
cand AS (SELECT actor FROM f GROUP BY actor HAVING count(*) >= :min_failures),
w AS (
  SELECT a.actor, a.ts AS start,
         (SELECT count(*) FROM f b WHERE b.actor = a.actor AND b.ts >= a.ts
            AND b.ts < a.ts + :window_min * 60000000) AS n
  FROM f a WHERE a.actor IN (SELECT actor FROM cand)),
q AS (SELECT actor, start, lag(start) OVER (PARTITION BY actor ORDER BY start) AS prev
      FROM w WHERE n >= :min_failures),
b AS (SELECT actor, start, sum(CASE WHEN prev IS NULL OR start - prev > :window_min * 60000000 THEN 1 ELSE 0 END)
               OVER (PARTITION BY actor ORDER BY start) AS burst FROM q),
bursts AS (SELECT actor, min(start) AS first, max(start) + :window_min * 60000000 AS last FROM b GROUP BY actor, burst),
hits AS (
  SELECT bursts.actor, bursts.first, e.id, e.outcome, e.src_ip FROM bursts
  JOIN events e ON e.category = 'signin' AND e.actor = bursts.actor
   AND e.ts >= bursts.first AND e.ts < bursts.last
   AND e.source IN ('entra_signin', 'm365_ual') AND e.outcome IN ('failure', 'success'))
SELECT first AS ts, actor, actor AS target,
       CASE WHEN sum(outcome = 'success') > 0 THEN 'high' END AS severity,
       printf('%d failed sign-ins on %s from %d address%s starting %s%s', sum(outcome = 'failure'), actor,
              count(DISTINCT src_ip), CASE count(DISTINCT src_ip) WHEN 1 THEN '' ELSE 'es' END,
              strftime('%Y-%m-%dT%H:%M:%SZ', first / 1000000, 'unixepoch'),
              CASE WHEN sum(outcome = 'success') > 0 THEN '; then a successful sign-in' ELSE '' END) AS reason,
       json_group_array(id) AS event_ids
FROM hits GROUP BY actor, first
