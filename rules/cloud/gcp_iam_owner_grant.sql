-- id: cloud.gcp_iam_owner_grant
-- title: Google Cloud owner or editor role granted
-- severity: high
-- needs: gcp_audit
-- description: SetIamPolicy whose policy delta adds roles/owner or roles/editor: full control
--   of the project (or folder, organisation) for the member. An outside account as the
--   member is the classic takeover.
-- false_positives: Project creation by the platform team. Check the member's domain.
-- references: https://cloud.google.com/iam/docs/audit-logging/examples-iam
SELECT ts, actor, target, id AS event_id,
       printf('%s granted %s on %s from %s', coalesce(actor, '?'),
              json_extract(attrs, '$.binding_deltas'), coalesce(target, '?'), coalesce(src_ip, '?')) AS reason
FROM events
WHERE action IN ('SetIamPolicy', 'google.cloud.resourcemanager.v3.Projects.SetIamPolicy',
                 'google.cloud.resourcemanager.v3.Folders.SetIamPolicy',
                 'google.cloud.resourcemanager.v3.Organizations.SetIamPolicy')
  AND source = 'gcp_audit' AND outcome = 'success'
  AND (json_extract(attrs, '$.binding_deltas') LIKE '%ADD roles/owner %'
    OR json_extract(attrs, '$.binding_deltas') LIKE '%ADD roles/editor %')
