-- id: mail_admin.mailbox_forwarding
-- title: Mailbox forwarding set
-- severity: high
-- needs: m365_ual|exchange_admin_audit
-- description: Set-Mailbox with ForwardingSmtpAddress or ForwardingAddress (a copy of every
--   message goes elsewhere), or DeliverToMailboxAndForward. Unlike an inbox rule, the user
--   cannot see it in Outlook. In business email compromise the attacker often asks the
--   service desk to set it.
-- false_positives: Leavers' mailboxes forwarded to a manager, shared mailboxes forwarded to a
--   team. Check the destination domain and the request behind the change.
-- references: https://learn.microsoft.com/en-us/exchange/recipients/user-mailboxes/email-forwarding
SELECT min(ts) AS ts, actor,
       coalesce(json_extract(attrs, '$.parameters.Identity'), target) AS target,
       json_group_array(id) AS event_ids,
       printf('Set-Mailbox on %s forwards its mail to %s%s', coalesce(json_extract(attrs, '$.parameters.Identity'), target, '?'),
              coalesce(json_extract(attrs, '$.parameters.ForwardingSmtpAddress'), json_extract(attrs, '$.parameters.ForwardingAddress'), '(address not in the record)'),
              CASE WHEN lower(json_extract(attrs, '$.parameters.DeliverToMailboxAndForward')) IN ('true', '$true')
                   THEN ' and keeps a copy in the mailbox' ELSE '' END) AS reason
FROM events
WHERE action = 'Set-Mailbox'
  AND (coalesce(json_extract(attrs, '$.parameters.ForwardingSmtpAddress'), '') NOT IN ('', '$null')
    OR coalesce(json_extract(attrs, '$.parameters.ForwardingAddress'), '') NOT IN ('', '$null')
    OR lower(json_extract(attrs, '$.parameters.DeliverToMailboxAndForward')) IN ('true', '$true'))
GROUP BY ts / 1000000, coalesce(json_extract(attrs, '$.parameters.Identity'), target)
