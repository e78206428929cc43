-- id: mail_admin.send_as_grant
-- title: Send As or Send on Behalf permission granted
-- severity: medium
-- needs: m365_ual|exchange_admin_audit
-- description: Add-RecipientPermission (Send As), Add-ADPermission with the Send-As extended
--   right, or Set-Mailbox GrantSendOnBehalfTo. Mail then leaves in the victim's name from
--   another account: the means of a fraudulent payment request that passes every check.
-- false_positives: Assistants and shared mailboxes. Check the grantee and what it sent next.
-- references: https://learn.microsoft.com/en-us/powershell/module/exchange/add-recipientpermission
SELECT min(ts) AS ts, actor, coalesce(json_extract(attrs, '$.parameters.Identity'), target) AS target,
       json_group_array(id) AS event_ids,
       printf('%s: %s may now send as %s', action,
              coalesce(json_extract(attrs, '$.parameters.Trustee'), json_extract(attrs, '$.parameters.User'),
                       json_extract(attrs, '$.parameters.GrantSendOnBehalfTo'), '?'),
              coalesce(json_extract(attrs, '$.parameters.Identity'), target, '?')) AS reason
FROM events
WHERE action = 'Add-RecipientPermission'
   OR (action = 'Add-ADPermission' AND lower(coalesce(json_extract(attrs, '$.parameters.ExtendedRights'), '')) LIKE '%send-as%')
   OR (action = 'Set-Mailbox' AND coalesce(json_extract(attrs, '$.parameters.GrantSendOnBehalfTo'), '') NOT IN ('', '$null'))
GROUP BY ts / 1000000, action, coalesce(json_extract(attrs, '$.parameters.Identity'), target)
