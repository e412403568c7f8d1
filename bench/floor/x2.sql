-- X2 floor: the first 20 live end customers by name, each with its first 3 live contacts
-- by name, its first 5 live addresses (oldest first) and its 3 newest orders, as one
-- statement of per-customer limits. Takes no variables.
SELECT c.code, c.name, c.territory,
       (SELECT json_agg(json_build_array(k.name, k.email, k.phone) ORDER BY k.name_key, k.id)
          FROM (SELECT * FROM contacts k WHERE k.organization_id = c.id AND k.archived_at IS NULL
                 ORDER BY k.name_key, k.id LIMIT 3) k) AS contacts,
       (SELECT json_agg(json_build_array(a.kind, a.city, a.postal_code, a.country)
                        ORDER BY a.created_at, a.id)
          FROM (SELECT * FROM addresses a WHERE a.organization_id = c.id AND a.archived_at IS NULL
                 ORDER BY a.created_at, a.id LIMIT 5) a) AS addresses,
       (SELECT json_agg(json_build_array(o.number, o.submitted_at, o.total, o.currency)
                        ORDER BY o.submitted_at DESC, o.id DESC)
          FROM (SELECT * FROM orders o WHERE o.buyer_id = c.id
                 ORDER BY o.submitted_at DESC, o.id DESC LIMIT 3) o) AS orders
  FROM organizations c
 WHERE c.kind = 'END_CUSTOMER' AND c.archived_at IS NULL
 ORDER BY c.name_key, c.id
 LIMIT 20;
