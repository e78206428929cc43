-- id: mailbox.no_issuance_record
-- title: Mail accessed with a token no imported sign-in issued
-- severity: high
-- needs: m365_ual
-- needs: entra_signin
-- needs: correlation
-- description: Mailbox access whose token (UniqueTokenId) or Entra session (AADSessionId)
--   matches no sign-in, at a time the imported interactive and non-interactive sign-in logs of
--   the tenant both cover (`ftl correlate`, state no_issuance_record). A token that Entra never
--   issued is how the 2023 forged-token intrusion read government mail: the attacker signed
--   tokens with a stolen key, so the sign-in logs had nothing. One finding per session (the
--   accesses that share a token or session) and mailbox.
-- false_positives: Sign-in logs that were not all exported: another tenant's logs for a guest,
--   service principal or managed identity sign-ins, a gap in the export that --coverage-gap
--   bridged. Check the token's IssuedAtTime against the sign-in export's range and kinds before
--   calling it forged.
-- references: https://learn.microsoft.com/en-us/purview/audit-log-investigate-accounts;
--   https://msrc.microsoft.com/blog/2023/07/microsoft-mitigates-china-based-threat-actor-storm-0558-targeting-of-customer-email/
SELECT min(e.ts) AS ts, e.actor AS actor, e.target AS target, l.session_id AS session_id,
       printf('%d mail access%s to %s from %s with app %s: %s no imported sign-in issued, and the sign-in logs cover the time',
              count(*), CASE count(*) WHEN 1 THEN '' ELSE 'es' END, coalesce(e.target, '?'),
              coalesce(group_concat(DISTINCT e.src_ip), 'no address'), coalesce(e.app_id, '?'),
              CASE count(*) WHEN 1 THEN 'a token' ELSE 'tokens' END) AS reason,
       json_group_array(e.id) AS event_ids
FROM event_links l JOIN events e ON e.id = l.event_id
WHERE l.state = 'no_issuance_record' AND e.category = 'mailbox'
GROUP BY coalesce(l.session_id, -e.id), e.target
