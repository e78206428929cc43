-- id: mailbox.app_first_seen
-- title: Mail read by an application the mailbox never used before
-- severity: medium
-- needs: m365_ual
-- param: baseline_days = 7 | days of the mailbox's own MailItemsAccessed history before a first use counts
-- param: evidence_hours = 24 | hours after the first use whose accesses by the app are attached
-- description: The first MailItemsAccessed by an application id on a mailbox that the evidence
--   has known for at least baseline_days. Mail-reading apps of a person change rarely; a new
--   one (an OAuth app with Mail.Read, a script, a forged-token client) is how mail leaves
--   without a password being typed. The finding carries the app's accesses in its first hours.
-- false_positives: A new phone or Outlook version, a newly deployed line-of-business app, a
--   mailbox whose history starts late in the evidence. The baseline is the evidence itself: a
--   short export makes everything look new.
-- references: https://learn.microsoft.com/en-us/purview/audit-log-investigate-accounts
WITH mia AS MATERIALIZED (
  SELECT id, ts, actor, target, app_id, src_ip FROM events
  WHERE category = 'mailbox' AND action = 'MailItemsAccessed'
    AND app_id IS NOT NULL AND target IS NOT NULL),
hist AS (SELECT target, min(ts) AS since FROM mia GROUP BY target),
firsts AS (SELECT target, app_id, min(ts) AS first FROM mia GROUP BY target, app_id)
SELECT f.first AS ts, f.target AS target,
       (SELECT actor FROM mia m WHERE m.target = f.target AND m.app_id = f.app_id AND m.ts = f.first) AS actor,
       printf('application %s first read %s''s mail on %s (the mailbox has %d days of history before)',
              f.app_id, f.target, strftime('%Y-%m-%dT%H:%M:%SZ', f.first / 1000000, 'unixepoch'),
              (f.first - h.since) / 86400000000) AS reason,
       (SELECT json_group_array(m.id) FROM mia m WHERE m.target = f.target AND m.app_id = f.app_id
          AND m.ts < f.first + :evidence_hours * 3600000000) AS event_ids
FROM firsts f JOIN hist h ON h.target = f.target
WHERE f.first >= h.since + :baseline_days * 86400000000
