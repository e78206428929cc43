-- id: mail_admin.permission_grant
-- title: Mailbox or folder permission granted
-- severity: medium
-- needs: m365_ual|exchange_admin_audit|exchange_mailbox_audit
-- description: Add-MailboxPermission (FullAccess to another person's mailbox),
--   Add-MailboxFolderPermission or Set-MailboxFolderPermission, and the mailbox audit
--   operations AddFolderPermissions, ModifyFolderPermissions and UpdateFolderPermissions. An
--   attacker with an administrator's session grants a controlled account access to the
--   mailboxes they want, which keeps working after the password is reset.
-- false_positives: Delegates (assistants), shared mailboxes, calendar sharing. Check who
--   granted it, to whom, and whether that account then read the mailbox.
-- references: https://learn.microsoft.com/en-us/powershell/module/exchange/add-mailboxpermission
SELECT min(ts) AS ts, actor, coalesce(json_extract(attrs, '$.parameters.Identity'), target) AS target,
       json_group_array(id) AS event_ids,
       printf('%s: %s granted %s on %s', action, coalesce(actor, '?'),
              coalesce(json_extract(attrs, '$.parameters.AccessRights'), 'access'),
              coalesce(json_extract(attrs, '$.parameters.Identity'), target, '?')) ||
       coalesce(' to ' || json_extract(attrs, '$.parameters.User'), '') AS reason
FROM events
WHERE action IN ('Add-MailboxPermission', 'Add-MailboxFolderPermission', 'Set-MailboxFolderPermission',
                 'AddFolderPermissions', 'ModifyFolderPermissions', 'UpdateFolderPermissions')
GROUP BY ts / 1000000, action, coalesce(json_extract(attrs, '$.parameters.Identity'), target),
         json_extract(attrs, '$.parameters.User')
