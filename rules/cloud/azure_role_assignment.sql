-- id: cloud.azure_role_assignment
-- title: Azure role assignment created
-- severity: medium
-- needs: azure_activity
-- description: Microsoft.Authorization/roleAssignments/write: someone was given a role
--   (Owner, Contributor...) on a subscription, resource group or resource. Escalation and
--   persistence in Azure.
-- false_positives: Access requests and Privileged Identity Management activations, which come
--   with a ticket or a PIM record.
-- references: https://learn.microsoft.com/en-us/azure/role-based-access-control/role-assignments-list-portal
SELECT min(ts) AS ts, actor, target, json_group_array(id) AS event_ids,
       printf('role assignment written by %s on %s%s', coalesce(actor, '?'), coalesce(target, '?'),
              coalesce(' from ' || src_ip, '')) AS reason
FROM events
WHERE action IN ('MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE', 'Microsoft.Authorization/roleAssignments/write',
                 'microsoft.authorization/roleassignments/write')
  AND source = 'azure_activity' AND outcome <> 'failure'
GROUP BY coalesce(correlation_id, id), target
