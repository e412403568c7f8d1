-- W2 floor: a distributor's first 10 dealers, each dealer's first 10 end customers, each
-- customer's 5 newest orders, as one statement of nested per-parent limits.
SELECT d.code, d.name, (
  SELECT json_agg(json_build_array(dl.code, dl.name, (
      SELECT json_agg(json_build_array(c.code, c.name, (
          SELECT json_agg(json_build_array(o.number, o.status, o.submitted_at, o.total, o.currency)
                          ORDER BY o.submitted_at DESC, o.id DESC)
            FROM (SELECT * FROM orders o WHERE o.buyer_id = c.id
                   ORDER BY o.submitted_at DESC, o.id DESC LIMIT 5) o))
        ORDER BY cl.created_at, cl.id)
        FROM (SELECT * FROM channel_links cl
               WHERE cl.upstream_id = dl.id AND cl.kind = 'SERVES' AND cl.archived_at IS NULL
               ORDER BY cl.created_at, cl.id LIMIT 10) cl
        JOIN organizations c ON c.id = cl.downstream_id))
    ORDER BY l.created_at, l.id)
    FROM (SELECT * FROM channel_links l
           WHERE l.upstream_id = d.id AND l.kind = 'RESELLS_TO' AND l.archived_at IS NULL
           ORDER BY l.created_at, l.id LIMIT 10) l
    JOIN organizations dl ON dl.id = l.downstream_id)
  FROM organizations d
 WHERE d.id = :distributor;
