-- id: identity.sp_credential_added
-- title: Credential added to an application or service principal
-- severity: high
-- needs: m365_ual
-- description: "Add service principal credentials." and the application's "Certificates and
--   secrets management" update: a new client secret or certificate lets its holder sign in as
--   the application, with all the permissions it was consented, from anywhere and without a
--   user. Attackers add one to an existing, trusted application to keep access.
-- false_positives: Secret rotation by the application's owners, usually on a schedule and by
--   an automation account. An interactive user adding a secret from an unusual address is not
--   that.
-- references: https://learn.microsoft.com/en-us/entra/architecture/security-operations-applications
SELECT min(ts) AS ts, actor, target, json_group_array(id) AS event_ids,
       printf('%s by %s on %s', action, coalesce(actor, '?'), coalesce(target, '?')) AS reason
FROM events
WHERE action IN ('Add service principal credentials.', 'Update application – Certificates and secrets management ',
                 'Update application - Certificates and secrets management')
GROUP BY ts / 1000000, actor, target
