-- id: mail_admin.inbox_rule_forward
-- title: Inbox rule that forwards or redirects mail
-- severity: high
-- needs: m365_ual|exchange_admin_audit
-- description: New-InboxRule or Set-InboxRule with ForwardTo, ForwardAsAttachmentTo or
--   RedirectTo. Business email compromise forwards a victim's mail (invoices, payment threads)
--   to an outside address with a rule the user never sees. The same cmdlet in the Unified
--   Audit Log and the Exchange admin audit export makes one finding.
-- false_positives: Users forwarding to their own second mailbox or an assistant. Check whether
--   the destination is outside the organisation and who created the rule, from where.
-- references: https://learn.microsoft.com/en-us/defender-office-365/detect-and-remediate-outlook-rules-forms-attack
WITH r AS (
  SELECT id, ts, actor, action, target, source,
         coalesce(json_extract(attrs, '$.parameters.ForwardTo'), '') || ' ' ||
         coalesce(json_extract(attrs, '$.parameters.ForwardAsAttachmentTo'), '') || ' ' ||
         coalesce(json_extract(attrs, '$.parameters.RedirectTo'), '') AS dest,
         coalesce(json_extract(attrs, '$.parameters.Name'), '?') AS name,
         coalesce(json_extract(attrs, '$.parameters.Mailbox'), json_extract(attrs, '$.parameters.Identity'), target) AS mailbox
  FROM events
  WHERE action IN ('New-InboxRule', 'Set-InboxRule')
    AND (json_extract(attrs, '$.parameters.ForwardTo') IS NOT NULL
      OR json_extract(attrs, '$.parameters.ForwardAsAttachmentTo') IS NOT NULL
      OR json_extract(attrs, '$.parameters.RedirectTo') IS NOT NULL))
SELECT min(ts) AS ts, actor, mailbox AS target, json_group_array(id) AS event_ids,
       printf('%s: inbox rule "%s" on %s sends mail to %s', action, name, coalesce(mailbox, '?'), trim(dest)) AS reason
FROM r
GROUP BY ts / 1000000, action, mailbox, name
