-- id: mailbox.sync_new_client
-- title: Mail folder synchronised by a new client or from a new address
-- severity: medium
-- needs: m365_ual
-- param: baseline_days = 7 | days of the mailbox's own history before a client or address can be new
-- param: recent_days = 7 | a client or address is new for this many days after its first use
-- description: A MailItemsAccessed Sync (the whole folder downloaded: assume every item in it
--   was taken) by an application or client string, or from an address, that the mailbox first
--   saw less than recent_days before. Attackers sync the Inbox with IMAP or a forged-token
--   client soon after they get in; people's own devices have synced for months.
-- false_positives: A new phone or laptop, Outlook rebuilding its cache, a changed home
--   address. Check the address and client against the user's sign-ins.
-- references: https://learn.microsoft.com/en-us/purview/audit-log-investigate-accounts
WITH mia AS MATERIALIZED (
  SELECT id, ts, actor, target, src_ip, coalesce(app_id, user_agent, '') AS client,
         json_extract(attrs, '$.mail_access_type') AS kind,
         json_extract(attrs, '$.folder_paths') AS folders
  FROM events
  WHERE category = 'mailbox' AND action = 'MailItemsAccessed' AND target IS NOT NULL),
hist AS (SELECT target, min(ts) AS since FROM mia GROUP BY target),
fc AS (SELECT target, client, min(ts) AS first FROM mia GROUP BY target, client),
fi AS (SELECT target, src_ip, min(ts) AS first FROM mia WHERE src_ip IS NOT NULL GROUP BY target, src_ip)
SELECT s.ts AS ts, s.actor AS actor, s.target AS target, s.id AS event_id,
       printf('%s synchronised %s of %s%s%s', coalesce(s.actor, '?'), coalesce(s.folders, 'a folder'), s.target,
              CASE WHEN fc.first >= h.since + :baseline_days * 86400000000
                    AND s.ts < fc.first + :recent_days * 86400000000
                   THEN printf(' with a client first seen %s (%s)', strftime('%Y-%m-%d', fc.first / 1000000, 'unixepoch'), s.client) ELSE '' END,
              CASE WHEN fi.first >= h.since + :baseline_days * 86400000000
                    AND s.ts < fi.first + :recent_days * 86400000000
                   THEN printf(' from %s, first seen %s', s.src_ip, strftime('%Y-%m-%d', fi.first / 1000000, 'unixepoch')) ELSE '' END) AS reason
FROM mia s
JOIN hist h ON h.target = s.target
JOIN fc ON fc.target = s.target AND fc.client = s.client
LEFT JOIN fi ON fi.target = s.target AND fi.src_ip = s.src_ip
WHERE s.kind = 'Sync'
  AND ((fc.first >= h.since + :baseline_days * 86400000000 AND s.ts < fc.first + :recent_days * 86400000000)
    OR (fi.first >= h.since + :baseline_days * 86400000000 AND s.ts < fi.first + :recent_days * 86400000000))
