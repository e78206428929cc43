-- id: identity.new_signin_location
-- title: Sign-in from an address or network never seen for the user
-- severity: low
-- needs: entra_signin
-- param: baseline_days = 7 | days of the user's own sign-in history before a network can be new
-- description: The first successful sign-in of a user from an autonomous system (ASN; the
--   address itself when the logs carry no ASN) that the user has not signed in from in the
--   evidence before, once the evidence has known the user for baseline_days. Low on its own;
--   it is the thread that ties a new device, a new country and a new mailbox client together.
-- false_positives: Travel, new home broadband, mobile data. Expect some every week in a real
--   tenant; read them next to the other findings of the same user.
-- references: https://learn.microsoft.com/en-us/entra/id-protection/concept-identity-protection-risks
WITH s AS MATERIALIZED (
  SELECT id, ts, actor, src_ip, coalesce('AS' || json_extract(attrs, '$.asn'), src_ip) AS net,
         coalesce(json_extract(attrs, '$.country'), '?') AS country
  FROM events
  WHERE category = 'signin' AND source = 'entra_signin' AND outcome = 'success'
    AND actor IS NOT NULL AND src_ip IS NOT NULL),
hist AS (SELECT actor, min(ts) AS since FROM s GROUP BY actor),
firsts AS (SELECT actor, net, min(ts) AS first FROM s GROUP BY actor, net)
SELECT f.first AS ts, f.actor AS actor,
       (SELECT json_group_array(id) FROM s WHERE s.actor = f.actor AND s.net = f.net
         AND s.ts < f.first + 86400000000) AS event_ids,
       printf('%s signed in from a new network %s (%s, %s) after %d days of sign-ins from others',
              f.actor, f.net, (SELECT src_ip FROM s WHERE s.actor = f.actor AND s.ts = f.first AND s.net = f.net),
              (SELECT country FROM s WHERE s.actor = f.actor AND s.ts = f.first AND s.net = f.net),
              (f.first - h.since) / 86400000000) AS reason
FROM firsts f JOIN hist h ON h.actor = f.actor
WHERE f.first >= h.since + :baseline_days * 86400000000
