-- W4 floor: one customer's full view, as one transaction of six statements: the
-- organization, its contacts, its 20 newest timeline items (interactions, orders, cases
-- and survey responses), its open cases, its credit exposure, and the order figures its
-- lifetime value comes from. :customer is the customer's id.
BEGIN;
SELECT code, name, customer_type, segment, territory FROM organizations WHERE id = :customer;
SELECT name, title, email, phone, buying_role FROM contacts
 WHERE organization_id = :customer AND archived_at IS NULL
 ORDER BY name_key, id LIMIT 20;
SELECT * FROM (
  (SELECT 'interaction' AS kind, i.occurred_at AS at, i.id, i.kind::text AS a, i.summary AS b
     FROM interactions i WHERE i.organization_id = :customer
    ORDER BY i.occurred_at DESC, i.id DESC LIMIT 20)
  UNION ALL
  (SELECT 'order', o.submitted_at, o.id, o.number, o.status
     FROM orders o WHERE o.buyer_id = :customer
    ORDER BY o.submitted_at DESC, o.id DESC LIMIT 20)
  UNION ALL
  (SELECT 'case', c.created_at, c.id, c.number, c.subject
     FROM cases c WHERE c.organization_id = :customer
    ORDER BY c.created_at DESC, c.id DESC LIMIT 20)
  UNION ALL
  (SELECT 'survey', s.responded_at, s.id, s.satisfaction::text, s.recommend::text
     FROM survey_responses s WHERE s.organization_id = :customer
    ORDER BY s.responded_at DESC, s.id DESC LIMIT 20)
) t ORDER BY at DESC, id DESC LIMIT 20;
SELECT number, kind, status, severity, subject, created_at FROM cases
 WHERE organization_id = :customer AND status IN ('OPEN', 'IN_PROGRESS', 'REOPENED')
 ORDER BY created_at DESC, id DESC LIMIT 20;
SELECT currency, amount FROM credit_balances WHERE buyer_id = :customer;
SELECT count(*), min(submitted_at), max(submitted_at), sum(total - tax_total)
  FROM orders WHERE buyer_id = :customer AND status <> 'CANCELLED' AND currency = 'EUR';
COMMIT;
