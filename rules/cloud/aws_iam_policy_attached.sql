-- id: cloud.aws_iam_policy_attached
-- title: IAM policy attached or written
-- severity: medium
-- needs: aws_cloudtrail
-- description: Attach*Policy, Put*Policy (inline) and CreatePolicyVersion on users, groups
--   and roles: how an intruder gives their identity more rights. AdministratorAccess makes it
--   high.
-- false_positives: Infrastructure-as-code deployments, which come from known roles and
--   pipelines in batches.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html
SELECT ts, actor, target, id AS event_id,
       CASE WHEN raw LIKE '%AdministratorAccess%' THEN 'high' END AS severity,
       printf('%s on %s by %s from %s%s', substr(action, instr(action, ':') + 1), coalesce(target, '?'),
              coalesce(actor, '?'), coalesce(src_ip, '?'),
              CASE WHEN raw LIKE '%AdministratorAccess%' THEN ' (AdministratorAccess)' ELSE '' END) AS reason
FROM events
WHERE action IN ('iam.amazonaws.com:AttachUserPolicy', 'iam.amazonaws.com:AttachRolePolicy',
                 'iam.amazonaws.com:AttachGroupPolicy', 'iam.amazonaws.com:PutUserPolicy',
                 'iam.amazonaws.com:PutRolePolicy', 'iam.amazonaws.com:PutGroupPolicy',
                 'iam.amazonaws.com:CreatePolicyVersion')
  AND outcome = 'success'
