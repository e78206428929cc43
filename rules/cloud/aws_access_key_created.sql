-- id: cloud.aws_access_key_created
-- title: AWS access key created
-- severity: medium
-- needs: aws_cloudtrail
-- description: iam:CreateAccessKey. A long-lived key is persistence that survives a password
--   reset and needs no console; creating one for another user, as the bundled incident does,
--   also moves the activity to a new identity. `ftl correlate` follows the new key: its
--   session holds what it did next.
-- false_positives: Key rotation by the user, or a pipeline's service user created by the
--   platform team. A key created for someone else, from an unknown address, is not that.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
SELECT e.ts, e.actor, e.target, e.id AS event_id, l.session_id AS session_id,
       printf('access key %s created for %s by %s from %s%s',
              coalesce(json_extract(e.attrs, '$.issued_access_key'), '(id not in the record)'),
              coalesce(e.target, 'the caller'), coalesce(e.actor, '?'), coalesce(e.src_ip, '?'),
              CASE WHEN e.outcome = 'failure' THEN ' (refused)' ELSE '' END) AS reason
FROM events e LEFT JOIN event_links l ON l.event_id = e.id
WHERE e.action = 'iam.amazonaws.com:CreateAccessKey'
