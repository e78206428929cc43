-- id: identity.mfa_change
-- title: MFA or security information changed
-- severity: medium
-- needs: m365_ual
-- description: A user or administrator registered, changed or deleted security information
--   (authenticator app, phone), or strong authentication was disabled. An attacker who has a
--   password registers their own authenticator so that MFA prompts go to them.
-- false_positives: New phones and onboarding. Check the address and device of the change
--   against the user's usual sign-ins, and whether an existing method was removed at the same
--   time.
-- references: https://learn.microsoft.com/en-us/entra/identity/authentication/howto-authentication-methods-activity
SELECT min(ts) AS ts, actor, target, json_group_array(id) AS event_ids,
       printf('%s: %s%s', action, coalesce(target, actor, '?'), coalesce(' from ' || src_ip, '')) AS reason
FROM events
WHERE action IN ('User registered security info', 'User changed default security info',
                 'User deleted security info', 'User registered all required security info',
                 'Admin registered security info', 'Admin updated security info',
                 'Admin deleted security info', 'Disable Strong Authentication.',
                 'Delete authentication method', 'Update StsRefreshTokenValidFrom Timestamp.')
   OR (action = 'Update user.' AND raw LIKE '%StrongAuthentication%')
GROUP BY ts / 1000000, action, coalesce(target, actor)
