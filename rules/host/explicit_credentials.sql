-- id: host.explicit_credentials
-- title: Explicit-credential logons (4648) from one account to several targets
-- severity: medium
-- needs: windows_event_xml
-- param: min_targets = 3 | distinct target servers or accounts...
-- param: window_min = 60 | ...within this many minutes, from one account on one computer
-- description: Event 4648 (a process logged on with credentials given explicitly: runas,
--   PsExec, a mapped drive with another user's password) from one account on one computer to
--   at least min_targets different servers or accounts in window_min minutes. Lateral movement
--   with stolen passwords looks like this.
-- false_positives: Administrators' jump hosts and scheduled tasks that use stored credentials.
-- references: https://learn.microsoft.com/en-us/windows/security/threat-protection/auditing/event-4648
WITH x AS MATERIALIZED (
  SELECT id, ts, target AS computer,
         lower(coalesce(json_extract(attrs, '$.data.SubjectDomainName') || '\' || json_extract(attrs, '$.data.SubjectUserName'),
                        json_extract(attrs, '$.data.SubjectUserName'), '?')) AS subject,
         coalesce(json_extract(attrs, '$.data.TargetServerName'), '') || '/' || coalesce(actor, '') AS dest
  FROM events
  WHERE action = 'Microsoft-Windows-Security-Auditing:4648'),
g AS (SELECT computer, subject, ts / (:window_min * 60000000) AS bucket, min(ts) AS ts,
             count(DISTINCT dest) AS n, json_group_array(id) AS ids, group_concat(DISTINCT dest) AS dests
      FROM x GROUP BY computer, subject, bucket)
SELECT ts, subject AS actor, computer AS target, ids AS event_ids,
       printf('%s on %s used explicit credentials for %d targets within %d min: %s', subject, computer, n,
              :window_min, dests) AS reason
FROM g WHERE n >= :min_targets
