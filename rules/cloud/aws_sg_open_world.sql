-- id: cloud.aws_sg_open_world
-- title: Security group opened to the whole internet
-- severity: high
-- needs: aws_cloudtrail
-- description: AuthorizeSecurityGroupIngress with 0.0.0.0/0 or ::/0: a port reachable from
--   anywhere. Intruders open SSH or RDP to reach an instance directly, or expose a database.
-- false_positives: Public web servers on 80 and 443. The port in the record decides.
-- references: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html
SELECT ts, actor, target, id AS event_id,
       printf('%s opened security group %s to the internet (0.0.0.0/0 or ::/0) from %s',
              coalesce(actor, '?'), coalesce(target, '?'), coalesce(src_ip, '?')) AS reason
FROM events
WHERE action = 'ec2.amazonaws.com:AuthorizeSecurityGroupIngress' AND outcome = 'success'
  AND (raw LIKE '%0.0.0.0/0%' OR raw LIKE '%::/0%')
