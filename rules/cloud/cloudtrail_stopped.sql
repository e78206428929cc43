-- id: cloud.cloudtrail_stopped
-- title: CloudTrail logging stopped, deleted or narrowed
-- severity: high
-- needs: aws_cloudtrail
-- description: StopLogging or DeleteTrail (high), and UpdateTrail, PutEventSelectors or
--   PutInsightSelectors (medium: they can narrow what is logged). An intruder in AWS turns the
--   trail off to work unseen; the gap until it is back on must be reconstructed from other
--   sources (VPC flow logs, S3 access logs, billing).
-- false_positives: Trail reorganisations by the cloud team, usually from infrastructure-as-code
--   roles and announced. A user's access key doing it is not that.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html
SELECT ts, actor, target, id AS event_id,
       CASE WHEN action IN ('cloudtrail.amazonaws.com:StopLogging', 'cloudtrail.amazonaws.com:DeleteTrail')
            THEN 'high' ELSE 'medium' END AS severity,
       printf('%s by %s on trail %s from %s%s', substr(action, instr(action, ':') + 1), coalesce(actor, '?'),
              coalesce(target, '?'), coalesce(src_ip, '?'),
              CASE WHEN outcome = 'failure' THEN ' (refused)' ELSE '' END) AS reason
FROM events
WHERE action IN ('cloudtrail.amazonaws.com:StopLogging', 'cloudtrail.amazonaws.com:DeleteTrail',
                 'cloudtrail.amazonaws.com:UpdateTrail', 'cloudtrail.amazonaws.com:PutEventSelectors',
                 'cloudtrail.amazonaws.com:PutInsightSelectors')
