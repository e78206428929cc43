-- id: identity.oauth_consent
-- title: Consent granted to an application
-- severity: high
-- needs: m365_ual
-- description: "Consent to application.", "Add delegated permission grant." and "Add app role
--   assignment to service principal." in the directory audit (through the Unified Audit Log).
--   Consent gives an application a token for the consenting user's data, or with admin
--   consent for everyone's, that survives password resets and MFA: the illicit-consent grant
--   and the persistence of choice after a mailbox compromise. Admin consent says so in the
--   reason.
-- false_positives: Administrators approving a real application rollout. Check the application
--   id against the organisation's approved apps, and who consented from where.
-- references: https://learn.microsoft.com/en-us/defender-office-365/detect-and-remediate-illicit-consent-grants
SELECT min(ts) AS ts, actor, target, json_group_array(id) AS event_ids,
       printf('%s by %s for %s%s', action, coalesce(actor, '?'), coalesce(target, 'an application'),
              CASE WHEN max(substr(raw, instr(raw, 'IsAdminConsent'), 80) LIKE '%True%' AND instr(raw, 'IsAdminConsent') > 0)
                   THEN ' (admin consent: for every user)' ELSE '' END) AS reason
FROM events
WHERE action IN ('Consent to application.', 'Add delegated permission grant.',
                 'Add app role assignment to service principal.', 'Add OAuth2PermissionGrant.')
GROUP BY ts / 1000000, actor, target
