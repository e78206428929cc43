-- id: host.logon_failure_burst
-- title: Burst of failed Windows logons from one source
-- severity: medium
-- needs: windows_event_xml
-- param: min_failures = 10 | failed logons (4625, 4771) from one address...
-- param: window_min = 10 | ...within this many minutes
-- description: At least min_failures failed logons (4625, Kerberos pre-authentication 4771)
--   from one source address within window_min minutes: password guessing over RDP or SMB, or
--   a spray inside the network.
-- false_positives: A service with a stale password on one server retries in a loop (one
--   account, one source); a scanner. Several accounts from one workstation is the bad sign.
-- references: https://learn.microsoft.com/en-us/windows/security/threat-protection/auditing/event-4625
WITH f AS MATERIALIZED (
  SELECT id, ts, actor, coalesce(src_ip, json_extract(attrs, '$.workstation'), '?') AS src
  FROM events
  WHERE source = 'windows_event_xml' AND category = 'signin' AND outcome = 'failure'),
cand AS (SELECT src FROM f GROUP BY src HAVING count(*) >= :min_failures),
w AS (
  SELECT a.src, a.ts AS start,
         (SELECT count(*) FROM f b WHERE b.src = a.src AND b.ts >= a.ts
            AND b.ts < a.ts + :window_min * 60000000) AS n
  FROM f a WHERE a.src IN (SELECT src FROM cand)),
q AS (SELECT src, start, lag(start) OVER (PARTITION BY src ORDER BY start) AS prev FROM w WHERE n >= :min_failures),
b AS (SELECT src, start, sum(CASE WHEN prev IS NULL OR start - prev > :window_min * 60000000 THEN 1 ELSE 0 END)
               OVER (PARTITION BY src ORDER BY start) AS burst FROM q),
bursts AS (SELECT src, min(start) AS first, max(start) + :window_min * 60000000 AS last FROM b GROUP BY src, burst)
SELECT bursts.first AS ts, bursts.src AS target, group_concat(DISTINCT f.actor) AS actor,
       json_group_array(f.id) AS event_ids,
       printf('%d failed logons for %d account%s from %s starting %s', count(*), count(DISTINCT f.actor),
              CASE count(DISTINCT f.actor) WHEN 1 THEN '' ELSE 's' END, bursts.src,
              strftime('%Y-%m-%dT%H:%M:%SZ', bursts.first / 1000000, 'unixepoch')) AS reason
FROM bursts JOIN f ON f.src = bursts.src AND f.ts >= bursts.first AND f.ts < bursts.last
GROUP BY bursts.src, bursts.first
