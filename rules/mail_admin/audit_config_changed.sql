-- id: mail_admin.audit_config_changed
-- title: Mailbox auditing turned off or bypassed
-- severity: high
-- needs: m365_ual|exchange_admin_audit
-- description: Set-Mailbox -AuditEnabled $false, Set-MailboxAuditBypassAssociation
--   -AuditBypassEnabled $true (the account's mailbox access is no longer logged anywhere),
--   Set-AdminAuditLogConfig turning off the admin audit log or Unified Audit Log ingestion,
--   and Set-OrganizationConfig -AuditDisabled $true. After this the audit log stops telling
--   the story: what follows must be found elsewhere.
-- false_positives: Bypass for monitoring service accounts that would flood the log, set once
--   at deployment by a known administrator. A change during the incident window is not that.
-- references: https://learn.microsoft.com/en-us/purview/audit-mailboxes;
--   https://learn.microsoft.com/en-us/powershell/module/exchange/set-mailboxauditbypassassociation
SELECT min(ts) AS ts, actor, coalesce(json_extract(attrs, '$.parameters.Identity'), target) AS target,
       json_group_array(id) AS event_ids,
       printf('%s on %s: %s', action, coalesce(json_extract(attrs, '$.parameters.Identity'), target, 'the organisation'),
              CASE
                WHEN action = 'Set-MailboxAuditBypassAssociation' THEN 'its mailbox access is no longer audited'
                WHEN action = 'Set-Mailbox' THEN 'mailbox auditing turned off'
                WHEN action = 'Set-OrganizationConfig' THEN 'auditing turned off for the organisation'
                ELSE 'audit logging turned off' END) AS reason
FROM events
WHERE (action = 'Set-Mailbox' AND lower(json_extract(attrs, '$.parameters.AuditEnabled')) IN ('false', '$false'))
   OR (action = 'Set-MailboxAuditBypassAssociation' AND lower(json_extract(attrs, '$.parameters.AuditBypassEnabled')) IN ('true', '$true'))
   OR (action = 'Set-AdminAuditLogConfig' AND (lower(json_extract(attrs, '$.parameters.UnifiedAuditLogIngestionEnabled')) IN ('false', '$false')
                                           OR lower(json_extract(attrs, '$.parameters.AdminAuditLogEnabled')) IN ('false', '$false')))
   OR (action = 'Set-OrganizationConfig' AND lower(json_extract(attrs, '$.parameters.AuditDisabled')) IN ('true', '$true'))
GROUP BY ts / 1000000, action, coalesce(json_extract(attrs, '$.parameters.Identity'), target)
