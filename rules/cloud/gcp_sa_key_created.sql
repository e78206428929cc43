-- id: cloud.gcp_sa_key_created
-- title: Google Cloud service account key created
-- severity: medium
-- needs: gcp_audit
-- description: CreateServiceAccountKey: a downloadable private key for a service account,
--   usable from anywhere until deleted. Persistence in Google Cloud.
-- false_positives: Legacy integrations that still use keys; Google recommends workload
--   identity instead, so new keys are rare in a well-run project.
-- references: https://cloud.google.com/iam/docs/keys-create-delete
SELECT ts, actor, target, id AS event_id,
       printf('%s created a key for %s from %s', coalesce(actor, '?'), coalesce(target, '?'),
              coalesce(src_ip, '?')) AS reason
FROM events
WHERE action = 'google.iam.admin.v1.CreateServiceAccountKey' AND outcome = 'success'
