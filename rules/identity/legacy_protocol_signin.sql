-- id: identity.legacy_protocol_signin
-- title: Sign-in through a legacy protocol, ROPC or device code
-- severity: medium
-- needs: entra_signin
-- description: Successful Entra sign-ins whose client app is a legacy protocol (IMAP4, POP3,
--   SMTP, Exchange ActiveSync, Exchange Web Services, MAPI, Outlook Anywhere, Exchange Online
--   PowerShell, "Other clients"...) or whose authentication protocol is ROPC (the password sent
--   by the client itself) or device code. None of these can do interactive MFA, so a sprayed or
--   phished password is enough; device code is a phishing route of its own. One finding per
--   user, address, client and protocol, with every such sign-in: a service account's nightly
--   sign-ins make one finding, not one a night.
-- false_positives: Service accounts and old devices that still use basic protocols: they sign
--   in from the same known address night after night (svc-mailarchive in the bundled
--   incident). A new address for such an account is what matters.
-- references: https://learn.microsoft.com/en-us/entra/identity/conditional-access/block-legacy-authentication;
--   https://learn.microsoft.com/en-us/entra/identity/monitoring-health/workbook-legacy-authentication
WITH s AS (
  SELECT id, ts, actor, src_ip,
         coalesce(json_extract(attrs, '$.client_app_used'), '') AS client,
         lower(coalesce(json_extract(attrs, '$.authentication_protocol'), '')) AS proto
  FROM events
  WHERE category = 'signin' AND source = 'entra_signin' AND outcome = 'success')
SELECT min(ts) AS ts, actor, json_group_array(id) AS event_ids,
       printf('%d sign-in%s by %s from %s through %s%s%s', count(*), CASE count(*) WHEN 1 THEN '' ELSE 's' END,
              coalesce(actor, '?'), coalesce(src_ip, 'no address'), CASE client WHEN '' THEN 'an unnamed client' ELSE client END,
              CASE WHEN proto = 'ropc' THEN ' (ROPC: the password sent by the client)'
                   WHEN proto = 'devicecode' THEN ' (device code flow)' ELSE '' END,
              CASE WHEN count(*) > 1 THEN printf(', %s to %s', strftime('%Y-%m-%d', min(ts) / 1000000, 'unixepoch'),
                                                 strftime('%Y-%m-%d', max(ts) / 1000000, 'unixepoch'))
                   ELSE '' END) AS reason
FROM s
WHERE lower(client) IN ('imap4', 'pop3', 'smtp', 'authenticated smtp', 'exchange activesync',
                        'exchange web services', 'mapi over http', 'offline address book',
                        'outlook anywhere (rpc over http)', 'autodiscover', 'exchange online powershell',
                        'reporting web services', 'universal outlook', 'other clients')
   OR proto IN ('ropc', 'devicecode')
GROUP BY actor, src_ip, client, proto
