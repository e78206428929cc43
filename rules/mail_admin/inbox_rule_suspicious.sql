-- id: mail_admin.inbox_rule_suspicious
-- title: Inbox rule that hides mail: deletes, marks read, moves aside, or watches finance and security words
-- severity: medium
-- needs: m365_ual|exchange_admin_audit
-- param: keywords = invoice|payment|wire|bank|remittance|transfer|password|security|phish|hack|compromis|suspicious|helpdesk|mfa | words (separated by |) that attackers filter on
-- description: New-InboxRule or Set-InboxRule that deletes messages, marks them read, moves
--   them to RSS Feeds, RSS Subscriptions, Junk Email, Conversation History or Archive, or
--   matches subject or body words about money or security. Attackers hide replies and
--   warnings ("was this you?") from the victim while they work the mailbox.
-- false_positives: Users file newsletters into Archive and junk vendors' mail; a finance team
--   sorts invoices into folders. The combination (move aside + keywords + a new address) is
--   what stands out.
-- references: https://learn.microsoft.com/en-us/defender-office-365/detect-and-remediate-outlook-rules-forms-attack
WITH r AS (
  SELECT id, ts, actor, action,
         coalesce(json_extract(attrs, '$.parameters.Mailbox'), json_extract(attrs, '$.parameters.Identity'), target) AS mailbox,
         coalesce(json_extract(attrs, '$.parameters.Name'), '?') AS name,
         json_extract(attrs, '$.parameters.MoveToFolder') AS folder,
         lower(coalesce(json_extract(attrs, '$.parameters.DeleteMessage'), '')) AS del,
         lower(coalesce(json_extract(attrs, '$.parameters.MarkAsRead'), '')) AS markread,
         lower(coalesce(json_extract(attrs, '$.parameters.SubjectContainsWords'), '') || ' ' ||
               coalesce(json_extract(attrs, '$.parameters.SubjectOrBodyContainsWords'), '') || ' ' ||
               coalesce(json_extract(attrs, '$.parameters.BodyContainsWords'), '')) AS words
  FROM events WHERE action IN ('New-InboxRule', 'Set-InboxRule')),
k AS (
  SELECT r.*,
         (WITH RECURSIVE split(w, rest) AS (
            SELECT '', lower(:keywords) || '|'
            UNION ALL
            SELECT substr(rest, 1, instr(rest, '|') - 1), substr(rest, instr(rest, '|') + 1)
            FROM split WHERE rest <> '')
          SELECT group_concat(w, ', ') FROM split WHERE w <> '' AND instr(r.words, w) > 0) AS hits
  FROM r)
SELECT min(ts) AS ts, actor, mailbox AS target, json_group_array(id) AS event_ids,
       printf('%s: inbox rule "%s" on %s%s%s%s%s', action, name, coalesce(mailbox, '?'),
              CASE WHEN del IN ('true', '$true') THEN ' deletes messages' ELSE '' END,
              CASE WHEN markread IN ('true', '$true') THEN ' marks them read' ELSE '' END,
              CASE WHEN lower(folder) IN ('rss feeds', 'rss subscriptions', 'junk email', 'conversation history', 'archive')
                   THEN printf(' moves them to %s', folder) ELSE '' END,
              CASE WHEN hits IS NOT NULL THEN printf(' on the words: %s', hits) ELSE '' END) AS reason
FROM k
WHERE del IN ('true', '$true') OR markread IN ('true', '$true') OR hits IS NOT NULL
   OR lower(folder) IN ('rss feeds', 'rss subscriptions', 'junk email', 'conversation history', 'archive')
GROUP BY ts / 1000000, action, mailbox, name
