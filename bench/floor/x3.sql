-- X3 floor: the service queue: the 50 newest open cases, each with the organization it is
-- about and that organization's first 2 live contacts by name, in one statement. Takes no
-- variables.
SELECT k.number, k.kind, k.category, k.severity, k.department, k.subject,
       k.resolution_due_at, k.created_at, o.code, o.name, o.kind, o.territory,
       (SELECT json_agg(json_build_array(c.name, c.email, c.phone) ORDER BY c.name_key, c.id)
          FROM (SELECT * FROM contacts c WHERE c.organization_id = o.id AND c.archived_at IS NULL
                 ORDER BY c.name_key, c.id LIMIT 2) c) AS contacts
  FROM cases k
  JOIN organizations o ON o.id = k.organization_id
 WHERE k.status = 'OPEN'
 ORDER BY k.created_at DESC, k.id DESC
 LIMIT 50;
