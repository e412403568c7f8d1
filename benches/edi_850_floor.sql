-- The floor for one X12 850 of 10 lines: the database work of applying it, written by hand
-- as one transaction of five statements (the parties, the PO repeat, products with their
-- tier prices, the credit balance, and one statement writing the order, its lines, its
-- history, the balance and the set's row). No server, no HTTP, no X12, no interchange
-- bookkeeping and no 997: what PostgreSQL alone must do per document.
--
-- Run against a database the bench left behind (`cargo bench --bench edi_ingest` makes
-- cg_bench_*):
--   pgbench -n -M prepared -c 8 -j 2 -T 15 -f benches/edi_850_floor.sql cg_bench_...
\set n random(1, 1000000000)
BEGIN;
SELECT id, kind, archived_at FROM organizations
  WHERE id = (SELECT id FROM organizations WHERE code = 'DIST-001') OR kind = 'BRAND';
SELECT id FROM orders
  WHERE buyer_id = (SELECT id FROM organizations WHERE code = 'DIST-001')
    AND buyer_po_number = 'F-' || :n || '-' || :client_id;
SELECT p.id, p.sku, p.unit, p.tax_rate, e.unit_price, e.min_quantity
  FROM products p
  JOIN price_list_entries e ON e.product_id = p.id
  JOIN partner_tiers t ON t.price_list_id = e.price_list_id
  JOIN tier_memberships m ON m.tier_id = t.id AND m.ended_at IS NULL
  WHERE m.organization_id = (SELECT id FROM organizations WHERE code = 'DIST-001')
    AND p.sku IN ('HP-100', 'HP-200', 'BLR-30', 'BLR-45', 'CTL-SMART', 'CTL-ZONE',
                  'ACC-FILTER', 'ACC-VALVE');
SELECT amount FROM credit_balances
  WHERE buyer_id = (SELECT id FROM organizations WHERE code = 'DIST-001')
    AND seller_id = (SELECT id FROM organizations WHERE kind = 'BRAND');
WITH ids AS (
  SELECT (SELECT id FROM organizations WHERE code = 'DIST-001') AS buyer,
         (SELECT id FROM organizations WHERE kind = 'BRAND') AS brand,
         (SELECT id FROM edi_interchanges ORDER BY id LIMIT 1) AS interchange),
o AS (
  INSERT INTO orders (id, kind, number, buyer_id, seller_id, buyer_po_number, content_hash,
                      status, currency, total, tax_total, invoiced_amount, payment_terms_days,
                      submitted_at, created_at, updated_at, version)
  SELECT gen_random_uuid(), 'SALES', 'SO-' || nextval('counter_so'), buyer, brand,
         'F-' || :n || '-' || :client_id, 'floor', 'SUBMITTED', 'EUR', 1190, 190, 0, 30,
         now(), now(), now(), 1
  FROM ids
  RETURNING id),
l AS (
  INSERT INTO order_lines (id, order_id, line_number, product_id, quantity, unit, unit_price,
                           price_source, line_total, tax_rate, tax_amount, status,
                           shipped_quantity, invoiced_quantity)
  SELECT gen_random_uuid(), o.id, v.n, p.id, 2, p.unit, 50, 'TIER_PRICE_LIST', 100, 19, 19,
         'OPEN', 0, 0
  FROM o, (VALUES (1, 'HP-100'), (2, 'HP-200'), (3, 'BLR-30'), (4, 'BLR-45'),
                  (5, 'CTL-SMART'), (6, 'CTL-ZONE'), (7, 'ACC-FILTER'), (8, 'ACC-VALVE'),
                  (9, 'HP-100'), (10, 'HP-200')) v(n, sku)
  JOIN products p ON p.sku = v.sku),
h AS (
  INSERT INTO order_events (id, order_id, occurred_at, principal_kind, action, to_status,
                            changes)
  SELECT gen_random_uuid(), o.id, now(), 'API_TOKEN', 'SUBMITTED', 'SUBMITTED',
         '[{"field":"total","after":"1190.00 EUR"}]'
  FROM o),
b AS (
  INSERT INTO credit_balances (buyer_id, seller_id, currency, amount)
  SELECT buyer, brand, 'EUR', 1190 FROM ids
  ON CONFLICT (buyer_id, seller_id, currency)
  DO UPDATE SET amount = ROUND(credit_balances.amount + excluded.amount, 4)),
d AS (
  INSERT INTO edi_documents (id, interchange_id, organization_id, direction, usage,
                             transaction_set, functional_id, version, group_control_number,
                             control_number, status, order_id, content, dedupe_key, created_at)
  SELECT gen_random_uuid(), interchange, buyer, 'INBOUND', 'PRODUCTION', '850', 'PO',
         '005010', '1', '0001', 'ACCEPTED', o.id, repeat('PO1*1*2*EA***VP*HP-100~', 14),
         'F:' || :n || ':' || :client_id, now()
  FROM o, ids)
SELECT id FROM o;
COMMIT;
