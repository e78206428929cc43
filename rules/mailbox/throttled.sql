-- id: mailbox.throttled
-- title: MailItemsAccessed logging throttled: 24 hours of mail access not logged
-- severity: medium
-- needs: m365_ual
-- description: A MailItemsAccessed record with IsThrottled set. When a mailbox produces more
--   than about 1,000 MailItemsAccessed records in 24 hours, Exchange stops logging them for
--   the next 24 hours. The gap is itself evidence: bulk access (a sync, an export tool) can
--   cause it, and nothing read during it will appear in the audit log.
-- false_positives: Heavy legitimate clients (archiving, eDiscovery, migrations) throttle too.
--   What matters is who caused the burst and what the gap hides.
-- references: https://learn.microsoft.com/en-us/purview/audit-log-investigate-accounts#throttling-of-mailitemsaccessed-audit-records
SELECT min(ts) AS ts, actor, target, json_group_array(id) AS event_ids,
       printf('MailItemsAccessed logging throttled for %s at %s: mail access until %s is not in the audit log',
              coalesce(target, '?'), strftime('%Y-%m-%dT%H:%M:%SZ', min(ts) / 1000000, 'unixepoch'),
              strftime('%Y-%m-%dT%H:%M:%SZ', min(ts) / 1000000 + 86400, 'unixepoch')) AS reason
FROM events
WHERE category = 'mailbox' AND action = 'MailItemsAccessed'
  AND json_extract(attrs, '$.throttled') = 1
GROUP BY target, ts / 86400000000
