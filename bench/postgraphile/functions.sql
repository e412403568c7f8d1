-- What a PostGraphile user writes for W4 and W5, which its generated schema cannot answer
-- by itself: SQL functions that PostGraphile exposes as fields. A function whose first
-- argument is an organizations row becomes a field of Organization (its current contacts,
-- the timeline, the open cases, the order figures); the others become root query fields
-- (the Pareto figure and customers by month). The SQL is the floor's (bench/floor/w4.sql,
-- w5.sql). bench/run.py applies this file to the benchmark database before it starts
-- PostGraphile; applying it again replaces the functions.

DROP TYPE IF EXISTS peer_timeline_item CASCADE;
CREATE TYPE peer_timeline_item AS (kind text, at timestamptz, id uuid, a text, b text);

CREATE OR REPLACE FUNCTION organizations_timeline(o organizations, n int) RETURNS SETOF peer_timeline_item
LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    (SELECT 'interaction', i.occurred_at, i.id, i.kind::text, i.summary
       FROM interactions i WHERE i.organization_id = o.id
      ORDER BY i.occurred_at DESC, i.id DESC LIMIT n)
    UNION ALL
    (SELECT 'order', r.submitted_at, r.id, r.number, r.status
       FROM orders r WHERE r.buyer_id = o.id
      ORDER BY r.submitted_at DESC, r.id DESC LIMIT n)
    UNION ALL
    (SELECT 'case', c.created_at, c.id, c.number, c.subject
       FROM cases c WHERE c.organization_id = o.id
      ORDER BY c.created_at DESC, c.id DESC LIMIT n)
    UNION ALL
    (SELECT 'survey', s.responded_at, s.id, s.satisfaction::text, s.recommend::text
       FROM survey_responses s WHERE s.organization_id = o.id
      ORDER BY s.responded_at DESC, s.id DESC LIMIT n)
  ) t (kind, at, id, a, b)
  ORDER BY at DESC, id DESC LIMIT n
$$;

CREATE OR REPLACE FUNCTION organizations_current_contacts(o organizations) RETURNS SETOF contacts
LANGUAGE sql STABLE AS $$
  SELECT * FROM contacts
   WHERE organization_id = o.id AND archived_at IS NULL
   ORDER BY name_key, id LIMIT 20
$$;

CREATE OR REPLACE FUNCTION organizations_open_cases(o organizations) RETURNS SETOF cases
LANGUAGE sql STABLE AS $$
  SELECT * FROM cases
   WHERE organization_id = o.id AND status IN ('OPEN', 'IN_PROGRESS', 'REOPENED')
   ORDER BY created_at DESC, id DESC LIMIT 20
$$;

DROP TYPE IF EXISTS peer_order_figures CASCADE;
CREATE TYPE peer_order_figures AS
  (order_count bigint, first_order timestamptz, last_order timestamptz, revenue numeric);

CREATE OR REPLACE FUNCTION organizations_order_figures(o organizations) RETURNS peer_order_figures
LANGUAGE sql STABLE AS $$
  SELECT count(*), min(submitted_at), max(submitted_at), sum(total - tax_total)
    FROM orders WHERE buyer_id = o.id AND status <> 'CANCELLED' AND currency = 'EUR'
$$;

DROP TYPE IF EXISTS peer_decile CASCADE;
CREATE TYPE peer_decile AS
  (decile int, revenue numeric, top_fifth_revenue numeric, customers bigint);

CREATE OR REPLACE FUNCTION peer_pareto(seller uuid) RETURNS SETOF peer_decile
LANGUAGE sql STABLE AS $$
  WITH buyers AS (
    SELECT buyer_id, sum(total - tax_total) AS revenue
      FROM orders
     WHERE seller_id = seller AND status <> 'CANCELLED' AND currency = 'EUR'
       AND submitted_at >= date_trunc('day', now()) - interval '12 months'
     GROUP BY buyer_id),
  ranked AS (
    SELECT revenue, ntile(10) OVER (ORDER BY revenue DESC, buyer_id) AS decile,
           row_number() OVER (ORDER BY revenue DESC, buyer_id) AS rank, count(*) OVER () AS n
      FROM buyers)
  SELECT decile, sum(revenue), sum(revenue) FILTER (WHERE rank <= n / 5), max(n)
    FROM ranked GROUP BY decile ORDER BY decile
$$;

DROP TYPE IF EXISTS peer_period CASCADE;
CREATE TYPE peer_period AS (month timestamptz, active bigint, new bigint, retained bigint);

CREATE OR REPLACE FUNCTION peer_customers_by_month(seller uuid) RETURNS SETOF peer_period
LANGUAGE sql STABLE AS $$
  WITH monthly AS (
    SELECT DISTINCT buyer_id, date_trunc('month', submitted_at) AS month
      FROM orders
     WHERE seller_id = seller AND status <> 'CANCELLED'
       AND submitted_at >= date_trunc('month', now()) - interval '24 months'),
  firsts AS (
    SELECT buyer_id, min(date_trunc('month', submitted_at)) AS first
      FROM orders WHERE seller_id = seller AND status <> 'CANCELLED' GROUP BY buyer_id),
  flagged AS (
    SELECT m.month, m.buyer_id, f.first,
           lag(m.month) OVER (PARTITION BY m.buyer_id ORDER BY m.month) AS previous
      FROM monthly m JOIN firsts f USING (buyer_id))
  SELECT month, count(*), count(*) FILTER (WHERE first = month),
         count(*) FILTER (WHERE previous = month - interval '1 month')
    FROM flagged GROUP BY month ORDER BY month
$$;
