-- id: mailbox.volume_spike
-- title: Unusual volume of mail read from one mailbox in a day
-- severity: medium
-- needs: m365_ual
-- param: baseline_days = 5 | days of the mailbox's own history needed to judge a day
-- param: factor = 5 | a day counts when it reads more than this many times the mailbox's usual day
-- param: min_items = 100 | and at least this many items
-- description: The items read from a mailbox in one UTC day (the FolderItems of its
--   MailItemsAccessed records; a Sync counts as one) against the same mailbox's average over
--   its other days. Collection before exfiltration reads far more mail in a day than a person
--   does.
-- false_positives: Catching up after leave, a new device downloading history, archiving or
--   eDiscovery tools. The baseline is the mailbox's own evidence.
-- references: https://learn.microsoft.com/en-us/purview/audit-log-investigate-accounts
WITH d AS MATERIALIZED (
  SELECT target, ts / 86400000000 AS day, min(ts) AS ts,
         sum(max(coalesce(json_extract(attrs, '$.items'), 1), 1)) AS items
  FROM events
  WHERE category = 'mailbox' AND action = 'MailItemsAccessed' AND target IS NOT NULL
  GROUP BY target, day),
s AS (SELECT target, sum(items) AS total, count(*) AS days FROM d GROUP BY target)
SELECT d.ts AS ts, d.target AS target, d.target AS actor,
       printf('%d items read from %s on %s, against %.1f on its other %d days',
              d.items, d.target, strftime('%Y-%m-%d', d.ts / 1000000, 'unixepoch'),
              (s.total - d.items) * 1.0 / (s.days - 1), s.days - 1) AS reason,
       (SELECT json_group_array(id) FROM events e
         WHERE e.category = 'mailbox' AND e.action = 'MailItemsAccessed' AND e.target = d.target
           AND e.ts / 86400000000 = d.day) AS event_ids
FROM d JOIN s ON s.target = d.target
WHERE s.days > :baseline_days AND d.items >= :min_items
  AND d.items > :factor * (s.total - d.items) * 1.0 / (s.days - 1)
