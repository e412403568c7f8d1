-- W5 floor: the brand's portfolio: the Pareto figure over the trailing 12 months (share of
-- revenue from the top fifth of buyers, and per decile), and customers by month over 24
-- months with those retained from the month before. :seller is the brand's id.
WITH buyers AS (
  SELECT buyer_id, sum(total - tax_total) AS revenue
    FROM orders
   WHERE seller_id = :seller AND status <> 'CANCELLED' AND currency = 'EUR'
     AND submitted_at >= date_trunc('day', now()) - interval '12 months'
   GROUP BY buyer_id),
ranked AS (
  SELECT revenue, ntile(10) OVER (ORDER BY revenue DESC, buyer_id) AS decile,
         row_number() OVER (ORDER BY revenue DESC, buyer_id) AS rank, count(*) OVER () AS n
    FROM buyers)
SELECT decile, sum(revenue), sum(revenue) FILTER (WHERE rank <= n / 5), max(n)
  FROM ranked GROUP BY decile ORDER BY decile;
WITH monthly AS (
  SELECT DISTINCT buyer_id, date_trunc('month', submitted_at) AS month
    FROM orders
   WHERE seller_id = :seller AND status <> 'CANCELLED'
     AND submitted_at >= date_trunc('month', now()) - interval '24 months'),
firsts AS (
  SELECT buyer_id, min(date_trunc('month', submitted_at)) AS first
    FROM orders WHERE seller_id = :seller AND status <> 'CANCELLED' GROUP BY buyer_id),
flagged AS (
  SELECT m.month, m.buyer_id, f.first,
         lag(m.month) OVER (PARTITION BY m.buyer_id ORDER BY m.month) AS previous
    FROM monthly m JOIN firsts f USING (buyer_id))
SELECT month, count(*) AS active, count(*) FILTER (WHERE first = month) AS new,
       count(*) FILTER (WHERE previous = month - interval '1 month') AS retained
  FROM flagged GROUP BY month ORDER BY month;
