-- id: cloud.aws_console_no_mfa
-- title: AWS console sign-in without MFA
-- severity: medium
-- needs: aws_cloudtrail
-- description: A successful ConsoleLogin of an IAM user or the root user whose record says MFA
--   was not used. A password alone opened the console.
-- false_positives: Federated (SAML, Identity Center) logins do MFA at the identity provider and
--   are not counted here (their identity type is AssumedRole). Break-glass users by design.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
SELECT ts, actor, id AS event_id,
       printf('console sign-in by %s from %s without MFA', coalesce(actor, '?'), coalesce(src_ip, '?')) AS reason
FROM events
WHERE action = 'signin.amazonaws.com:ConsoleLogin' AND outcome = 'success'
  AND coalesce(json_extract(attrs, '$.identity_type'), '') IN ('IAMUser', 'Root')
  AND lower(coalesce(json_extract(attrs, '$.mfa_authenticated'), 'no')) NOT IN ('yes', 'true')
