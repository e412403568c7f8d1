-- X1 floor: a distributor's catalog sync: its tier's price list with every entry (by
-- product, then quantity break) and each entry's product, in one statement. :price_list is
-- the id of the price list of the distributor's tier.
SELECT pl.code, pl.name, pl.currency, pl.valid_from, e.min_quantity, e.unit_price,
       p.sku, p.name, p.product_line, p.unit, p.list_price, p.currency
  FROM price_lists pl
  JOIN price_list_entries e ON e.price_list_id = pl.id
  JOIN products p ON p.id = e.product_id
 WHERE pl.id = :price_list
 ORDER BY e.product_id, e.min_quantity;
