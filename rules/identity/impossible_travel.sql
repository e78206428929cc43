-- id: identity.impossible_travel
-- title: Impossible travel between two sign-ins
-- severity: medium
-- needs: entra_signin
-- param: max_kmh = 900 | faster than this between two successful sign-ins is impossible
-- param: min_km = 500 | and they must be at least this far apart
-- description: Two consecutive successful sign-ins of one user whose locations (the sign-in
--   logs' latitude and longitude) are further apart than anyone can travel in the time between
--   them. A stolen password or token used from elsewhere while the user works at home.
-- false_positives: VPNs and cloud proxies put a user's egress in another country; mobile
--   carriers geolocate coarsely. Check whether one of the two addresses is a known VPN.
-- references: https://learn.microsoft.com/en-us/entra/id-protection/concept-identity-protection-risks
WITH s AS (
  SELECT id, ts, actor, src_ip,
         CAST(json_extract(attrs, '$.latitude') AS REAL) AS lat,
         CAST(json_extract(attrs, '$.longitude') AS REAL) AS lon,
         coalesce(json_extract(attrs, '$.city'), '?') AS city,
         coalesce(json_extract(attrs, '$.country'), '?') AS country
  FROM events
  WHERE category = 'signin' AND source = 'entra_signin' AND outcome = 'success'
    AND json_extract(attrs, '$.latitude') IS NOT NULL AND json_extract(attrs, '$.longitude') IS NOT NULL),
p AS (
  SELECT s.*, lag(id) OVER w AS pid, lag(ts) OVER w AS pts, lag(lat) OVER w AS plat,
         lag(lon) OVER w AS plon, lag(city) OVER w AS pcity, lag(country) OVER w AS pcountry,
         lag(src_ip) OVER w AS pip
  FROM s WINDOW w AS (PARTITION BY actor ORDER BY ts, id)),
d AS (SELECT p.*, ftl_km(plat, plon, lat, lon) AS km FROM p WHERE pid IS NOT NULL)
SELECT ts, actor, json_array(pid, id) AS event_ids,
       printf('%s signed in from %s, %s (%s) and %s later from %s, %s (%s): %.0f km, %s', actor,
              pcity, pcountry, coalesce(pip, '?'),
              CASE WHEN ts - pts < 3600000000 THEN printf('%d min', (ts - pts) / 60000000)
                   ELSE printf('%.1f h', (ts - pts) / 3600000000.0) END,
              city, country, coalesce(src_ip, '?'), km,
              CASE WHEN ts = pts THEN 'at the same moment'
                   ELSE printf('%.0f km/h', km / ((ts - pts) / 3600000000.0)) END) AS reason
FROM d
WHERE km >= :min_km AND (ts = pts OR km / ((ts - pts) / 3600000000.0) > :max_kmh)
