-- W1 floor: a distributor's 50 newest orders with their buyers and lines, in one statement.
-- :seller is the distributor's id.
SELECT o.number, o.status, o.submitted_at, o.total, o.currency, b.code, b.name,
       (SELECT json_agg(json_build_array(l.line_number, l.quantity, l.unit_price, l.line_total,
                                         p.sku, p.name) ORDER BY l.line_number)
          FROM order_lines l JOIN products p ON p.id = l.product_id
         WHERE l.order_id = o.id) AS lines
  FROM orders o JOIN organizations b ON b.id = o.buyer_id
 WHERE o.seller_id = :seller
 ORDER BY o.submitted_at DESC, o.id DESC
 LIMIT 50;
