-- id: cloud.gcp_iam_policy_change
-- title: Google Cloud IAM policy changed
-- severity: medium
-- needs: gcp_audit
-- description: SetIamPolicy (and the resource manager's and IAM's own methods of that name,
--   storage.setIamPermissions) on a project, folder, organisation or resource, other than the
--   owner and editor grants (cloud.gcp_iam_owner_grant). Who was given what, by whom.
-- false_positives: Routine access management. Roles that can mint credentials
--   (iam.serviceAccountKeyAdmin, iam.serviceAccountTokenCreator) matter most.
-- references: https://cloud.google.com/iam/docs/audit-logging/examples-iam
SELECT ts, actor, target, id AS event_id,
       printf('%s changed the IAM policy of %s: %s', coalesce(actor, '?'), coalesce(target, '?'),
              coalesce(json_extract(attrs, '$.binding_deltas'), '(no delta in the record)')) AS reason
FROM events
WHERE action IN ('SetIamPolicy', 'google.iam.admin.v1.SetIAMPolicy', 'storage.setIamPermissions',
                 'google.cloud.resourcemanager.v3.Projects.SetIamPolicy',
                 'google.cloud.resourcemanager.v3.Folders.SetIamPolicy',
                 'google.cloud.resourcemanager.v3.Organizations.SetIamPolicy')
  AND source = 'gcp_audit' AND outcome = 'success'
  AND coalesce(json_extract(attrs, '$.binding_deltas'), '') NOT LIKE '%ADD roles/owner %'
  AND coalesce(json_extract(attrs, '$.binding_deltas'), '') NOT LIKE '%ADD roles/editor %'
