-- id: cloud.aws_root_use
-- title: AWS root user used
-- severity: high
-- needs: aws_cloudtrail
-- description: Any call made as the account's root user. Root cannot be limited by IAM
--   policies; AWS advises using it only for the handful of tasks that need it. One finding
--   per day and address.
-- false_positives: The documented root-only tasks (changing the support plan, closing the
--   account), done by a named person who can say so.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html
SELECT min(ts) AS ts, actor, json_group_array(id) AS event_ids,
       printf('%d call%s as the root user of %s from %s: %s', count(*), CASE count(*) WHEN 1 THEN '' ELSE 's' END,
              coalesce(json_extract(attrs, '$.account'), '?'), coalesce(src_ip, '?'),
              group_concat(DISTINCT substr(action, instr(action, ':') + 1))) AS reason
FROM events
WHERE category IN ('cloud', 'signin') AND source = 'aws_cloudtrail'
  AND actor LIKE 'arn:aws:iam::%:root' AND json_extract(attrs, '$.identity_type') = 'Root'
GROUP BY src_ip, ts / 86400000000
