-- id: identity.password_spray
-- title: Password spray: failed sign-ins to many accounts from one address
-- severity: high
-- needs: entra_signin|m365_ual
-- param: min_accounts = 10 | distinct accounts failing from one address...
-- param: window_min = 60 | ...within this many minutes
-- description: Failed sign-ins (Entra sign-in logs, or UserLoginFailed in the Unified Audit
--   Log) for at least min_accounts different accounts from one address within window_min
--   minutes. A spray tries one likely password against many accounts to stay under lockout.
--   A successful sign-in from the same address in that burst is the account that fell: the
--   finding is then critical and carries it.
-- false_positives: A shared egress address (a VPN, a mobile carrier) during a password
--   change campaign, or a misconfigured application retrying many accounts. The failure codes
--   (50126: bad password) and the client (IMAP, BAV2ROPC) tell them apart.
-- references: https://learn.microsoft.com/en-us/security/operations/incident-response-playbook-password-spray
WITH f AS MATERIALIZED (
  SELECT id, ts, actor, src_ip FROM events
  WHERE category = 'signin' AND source IN ('entra_signin', 'm365_ual') AND outcome = 'failure'
    AND src_ip IS NOT NULL AND actor IS NOT NULL),
cand AS (SELECT src_ip FROM f GROUP BY src_ip HAVING count(DISTINCT actor) >= :min_accounts),
w AS (
  SELECT a.src_ip, a.ts AS start,
         (SELECT count(DISTINCT b.actor) FROM f b
           WHERE b.src_ip = a.src_ip AND b.ts >= a.ts AND b.ts < a.ts + :window_min * 60000000) AS n
  FROM f a WHERE a.src_ip IN (SELECT src_ip FROM cand)),
q AS (SELECT src_ip, start, lag(start) OVER (PARTITION BY src_ip ORDER BY start) AS prev
      FROM w WHERE n >= :min_accounts),
b AS (SELECT src_ip, start, sum(CASE WHEN prev IS NULL OR start - prev > :window_min * 60000000 THEN 1 ELSE 0 END)
               OVER (PARTITION BY src_ip ORDER BY start) AS burst FROM q),
bursts AS (SELECT src_ip, min(start) AS first, max(start) + :window_min * 60000000 AS last FROM b GROUP BY src_ip, burst),
hits AS (
  SELECT bursts.src_ip, bursts.first, e.id, e.actor, e.outcome FROM bursts
  JOIN events e ON e.category = 'signin' AND e.src_ip = bursts.src_ip
   AND e.ts >= bursts.first AND e.ts < bursts.last
   AND e.source IN ('entra_signin', 'm365_ual') AND e.outcome IN ('failure', 'success'))
SELECT first AS ts, src_ip AS target,
       (SELECT group_concat(DISTINCT actor) FROM hits h2 WHERE h2.src_ip = hits.src_ip AND h2.first = hits.first AND h2.outcome = 'success') AS actor,
       CASE WHEN sum(outcome = 'success') > 0 THEN 'critical' END AS severity,
       printf('%d failed sign-ins to %d accounts from %s starting %s%s', sum(outcome = 'failure'),
              count(DISTINCT CASE WHEN outcome = 'failure' THEN actor END), src_ip,
              strftime('%Y-%m-%dT%H:%M:%SZ', first / 1000000, 'unixepoch'),
              CASE WHEN sum(outcome = 'success') > 0
                   THEN printf('; %d succeeded: %s', sum(outcome = 'success'),
                               (SELECT group_concat(DISTINCT actor) FROM hits h2 WHERE h2.src_ip = hits.src_ip AND h2.first = hits.first AND h2.outcome = 'success'))
                   ELSE '' END) AS reason,
       json_group_array(id) AS event_ids
FROM hits GROUP BY src_ip, first
