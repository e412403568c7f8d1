-- W3 floor: a distributor submits an order of 10 lines to the brand: the parties, the PO
-- repeat check, the 10 products with the distributor's tier prices, the credit balance,
-- then one statement writing the order, its lines, its history and the balance, returning
-- the lines. :buyer is the distributor, :brand the brand; the SKUs are the bench's. PO
-- numbers draw from 9e18, so runs on a reused database do not repeat one.
\set n random(1, 9000000000000000000)
BEGIN;
SELECT id, kind, archived_at FROM organizations WHERE id IN (:buyer, :brand);
SELECT id FROM orders WHERE buyer_id = :buyer AND buyer_po_number = 'F-' || :n || '-' || :client_id;
SELECT p.id, p.sku, p.unit, p.tax_rate, e.unit_price, e.min_quantity
  FROM products p
  JOIN price_list_entries e ON e.product_id = p.id
  JOIN partner_tiers t ON t.price_list_id = e.price_list_id
  JOIN tier_memberships m ON m.tier_id = t.id AND m.ended_at IS NULL
 WHERE m.organization_id = :buyer
   AND p.sku IN ('SKU-00001', 'SKU-00002', 'SKU-00003', 'SKU-00004', 'SKU-00005',
                 'SKU-00006', 'SKU-00007', 'SKU-00008', 'SKU-00009', 'SKU-00010');
SELECT amount FROM credit_balances WHERE buyer_id = :buyer AND seller_id = :brand;
WITH priced AS (
  SELECT v.n, p.id AS product_id, p.unit, v.q,
         (SELECT e.unit_price FROM price_list_entries e
            JOIN partner_tiers t ON t.price_list_id = e.price_list_id
            JOIN tier_memberships m ON m.tier_id = t.id AND m.ended_at IS NULL
           WHERE m.organization_id = :buyer AND e.product_id = p.id AND e.min_quantity <= v.q * 10000
           ORDER BY e.min_quantity DESC LIMIT 1) AS price
    FROM (VALUES (1, 'SKU-00001', 1), (2, 'SKU-00002', 2), (3, 'SKU-00003', 3),
                 (4, 'SKU-00004', 4), (5, 'SKU-00005', 5), (6, 'SKU-00006', 6),
                 (7, 'SKU-00007', 7), (8, 'SKU-00008', 8), (9, 'SKU-00009', 9),
                 (10, 'SKU-00010', 10)) v(n, sku, q)
    JOIN products p ON p.sku = v.sku),
amounts AS (
  SELECT sum(round(q * price, -2)) AS net, sum(round(q * price * 0.19, -2)) AS tax FROM priced),
o AS (
  INSERT INTO orders (id, kind, number, buyer_id, seller_id, buyer_po_number, content_hash,
                      status, currency, total, tax_total, invoiced_amount, payment_terms_days,
                      submitted_at, created_at, updated_at, version)
  SELECT gen_random_uuid(), 'SALES', 'SO-' || nextval('counter_so'), :buyer, :brand,
         'F-' || :n || '-' || :client_id, 'floor', 'SUBMITTED', 'EUR', net + tax, tax, 0, 60,
         now(), now(), now(), 1
    FROM amounts
  RETURNING id, number, status, total),
l AS (
  INSERT INTO order_lines (id, order_id, line_number, product_id, quantity, unit, unit_price,
                           price_source, line_total, tax_rate, tax_amount, status,
                           shipped_quantity, invoiced_quantity)
  SELECT gen_random_uuid(), o.id, p.n, p.product_id, p.q * 10000, p.unit, p.price, 'TIER_PRICE_LIST',
         round(p.q * p.price, -2), 190000, round(p.q * p.price * 0.19, -2), 'OPEN', 0, 0
    FROM o, priced p
  RETURNING line_number, quantity, unit_price, line_total, product_id),
h AS (
  INSERT INTO order_events (id, order_id, occurred_at, principal_kind, action, to_status, changes)
  SELECT gen_random_uuid(), o.id, now(), 'API_TOKEN', 'SUBMITTED', 'SUBMITTED', '[]' FROM o),
b AS (
  INSERT INTO credit_balances (buyer_id, seller_id, currency, amount)
  SELECT :buyer, :brand, 'EUR', total FROM o
  ON CONFLICT (buyer_id, seller_id, currency)
  DO UPDATE SET amount = credit_balances.amount + excluded.amount)
SELECT o.number, o.status, o.total, l.line_number, l.quantity, l.unit_price, l.line_total, p.sku
  FROM o, l JOIN products p ON p.id = l.product_id
 ORDER BY l.line_number;
COMMIT;
