//! The scale data set, for benchmarks on PostgreSQL: at full size 20 suppliers, 200
//! distributors, 10,000 dealers, 200,000 end customers, 2,000 products, 1,000,000 orders
//! with 5,000,000 lines, 100,000 cases and 500,000 interactions, shaped like the demo data.
//!
//! - Every distributor has dealers; bigger distributors have more (Zipf). Nine end
//!   customers in ten buy through a dealer, one in ten from the brand directly.
//! - Order counts are skewed (log-normal weights per buyer), so a fifth of the customers
//!   bring most of the revenue, and the volume grows towards the end of the three years.
//! - Distributors buy from the brand at their tier's price list, dealers from their
//!   distributor and end customers from their dealer (or the brand) at list price.
//! - Cases and interactions fall on organizations in proportion to their orders; complaints
//!   name an order and a product of it.
//!
//! Every row, ids included, follows from the seed and the day the history ends, so two
//! builds with the same options are identical. Orders carry their lines and the status
//! their age gives them; the shipments, invoices and payments behind those statuses are not
//! written (the demo data set has them). All of it is one transaction of `COPY`s.

use std::time::Instant;

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use entity::enums::{
    AddressKind, BuyingRole, CaseCategory, CaseKind, CaseResolution, CaseSeverity, CaseStatus,
    ChannelLinkKind, ConsentStatus, CustomerType, IndustrySegment, InteractionKind, LineStatus,
    OrderKind, OrderStatus, OrganizationKind, OrganizationStatus, PriceSource, RelationshipLevel,
    SettlementCadence, UnitOfMeasure,
};
use entity::organization;
use sea_orm::sqlx::Connection;
use sea_orm::sqlx::postgres::PgConnection;
use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
};
use uuid::Uuid;

use super::copy::{Copy, failed};
use super::{
    BRAND_CODE, CITIES, CJK_NAMES, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_PARTNER_EMAIL,
    DEMO_PARTNER_PASSWORD, FAMILY, GIVEN, PLACES, Rng, SEGMENTS, TERRITORIES, TRADES,
};
use crate::domain::{gs1_check_digit, sort_key};
use crate::error::{Error, Result};

/// How the scale data set is built.
#[derive(Clone, Debug)]
pub struct ScaleOptions {
    /// 1.0 is the full set; smaller factors shrink every count (at least one of each).
    pub factor: f64,
    /// The generator's seed.
    pub seed: u64,
    /// The day the history ends: orders, cases and interactions fall in the three years
    /// before its start.
    pub until: NaiveDate,
}

/// The largest factor accepted: ten times the full set.
pub const MAX_FACTOR: f64 = 10.0;

/// What the scale seed wrote.
#[derive(Debug)]
pub struct ScaleReport {
    pub organizations: u64,
    pub contacts: u64,
    pub products: u64,
    pub orders: u64,
    pub lines: u64,
    pub cases: u64,
    pub interactions: u64,
    pub seconds: f64,
    /// The secret of DIST-001's API token, shown once.
    pub api_token: String,
}

impl std::fmt::Display for ScaleReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "scale data added in {:.0} s: {} organizations, {} contacts, {} products, {} orders with {} lines, {} cases, {} interactions",
            self.seconds,
            self.organizations,
            self.contacts,
            self.products,
            self.orders,
            self.lines,
            self.cases,
            self.interactions
        )?;
        writeln!(
            f,
            "sign in as staff admin:     {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}"
        )?;
        writeln!(
            f,
            "sign in as DIST-001 portal: {DEMO_PARTNER_EMAIL} / {DEMO_PARTNER_PASSWORD}"
        )?;
        write!(
            f,
            "DIST-001's partner system:  Authorization: Bearer {}  (shown once)",
            self.api_token
        )
    }
}

/// The counts at a factor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Counts {
    pub suppliers: usize,
    pub distributors: usize,
    pub dealers: usize,
    pub customers: usize,
    pub products: usize,
    pub orders: usize,
    pub cases: usize,
    pub interactions: usize,
}

impl Counts {
    pub fn at(factor: f64) -> Counts {
        let n = |full: f64| ((full * factor).round() as usize).max(1);
        let distributors = n(200.0);
        Counts {
            suppliers: n(20.0),
            distributors,
            dealers: n(10_000.0).max(distributors),
            customers: n(200_000.0),
            products: n(2_000.0),
            orders: n(1_000_000.0),
            cases: n(100_000.0),
            interactions: n(500_000.0),
        }
    }
}

/// Builds the scale data set into an empty PostgreSQL database.
pub async fn scale(db: &DatabaseConnection, options: ScaleOptions) -> Result<ScaleReport> {
    if !(options.factor > 0.0 && options.factor <= MAX_FACTOR) {
        return Err(Error::bad_input(
            "--scale-factor",
            format!(
                "--scale-factor must be above 0 and at most {MAX_FACTOR}, not {}",
                options.factor
            ),
        ));
    }
    if db.get_database_backend() != DbBackend::Postgres {
        return Err(Error::bad_input(
            "--scale",
            "--scale: the scale data set is written with PostgreSQL's COPY; set CHANNELGRAPH_DATABASE_URL to a postgres:// database",
        ));
    }
    let present = organization::Entity::find().count(db).await?;
    if present > 0 {
        return Err(Error::bad_input(
            "--scale",
            format!(
                "--scale: the scale data set goes into an empty database; this one holds {present} organizations"
            ),
        ));
    }
    let started = Instant::now();
    let plan = Plan::new(&options);
    let mut conn = db
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(|e| failed("the connection", e))?;
    let mut tx = conn.begin().await.map_err(|e| failed("BEGIN", e))?;
    let written = plan.write(&mut tx).await?;
    tx.commit().await.map_err(|e| failed("COMMIT", e))?;
    drop(conn);
    let txn = crate::db::begin_write(db).await?;
    crate::analytics::rollups::rebuild(&txn).await?;
    txn.commit().await?;
    // Statistics for every table, the small ones too: a planner that takes the catalog for
    // empty joins it first and loops over it.
    db.execute_unprepared("ANALYZE").await?;
    let txn = crate::db::begin_write(db).await?;
    let portal = plan.orgs[plan.distributors.start].id;
    let api_token = super::accounts(&txn, portal, "DIST-001 ERP (scale)").await?;
    txn.commit().await?;
    Ok(ScaleReport {
        seconds: started.elapsed().as_secs_f64(),
        api_token,
        ..written
    })
}

/// A UUID v7 for a row made at `at`, its random part from the generator.
fn id_at(rng: &mut Rng, at: DateTime<Utc>) -> Uuid {
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next().to_le_bytes());
    random[8..].copy_from_slice(&rng.next().to_le_bytes()[..2]);
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis() as u64, &random).into_uuid()
}

/// Picks indexes in proportion to their weights.
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl Iterator<Item = f64>) -> Weighted {
        let mut sum = 0.0;
        let cumulative = weights
            .map(|w| {
                sum += w;
                sum
            })
            .collect();
        Weighted { cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// Product lines: name, unit, and the range of list prices in cents.
const LINES: [(&str, UnitOfMeasure, i64, i64); 8] = [
    ("Heat pumps", UnitOfMeasure::Each, 300_000, 900_000),
    ("Boilers", UnitOfMeasure::Each, 150_000, 400_000),
    ("Controls", UnitOfMeasure::Each, 5_000, 50_000),
    ("Accessories", UnitOfMeasure::Package, 500, 15_000),
    ("Radiators", UnitOfMeasure::Each, 8_000, 60_000),
    ("Water heaters", UnitOfMeasure::Each, 40_000, 250_000),
    ("Ventilation", UnitOfMeasure::Each, 20_000, 300_000),
    ("Solar thermal", UnitOfMeasure::Each, 60_000, 500_000),
];

/// Tiers: code, name, rank, percent of list price, the same from 10 units, payment terms.
const TIERS: [(&str, &str, i32, i64, i64, i32); 3] = [
    ("REGISTERED", "Registered", 1, 95, 92, 30),
    ("SILVER", "Silver", 2, 90, 87, 45),
    ("GOLD", "Gold", 3, 85, 82, 60),
];

/// The VAT rate on every product, in percent.
const TAX_PERCENT: i64 = 19;

struct Org {
    id: Uuid,
    kind: OrganizationKind,
    code: String,
    name: String,
    segment: Option<IndustrySegment>,
    customer_type: CustomerType,
    territory: Option<&'static str>,
    /// The organization it buys from, for everyone but the brand and suppliers.
    seller: Option<usize>,
    /// The channel link that ties it in: (upstream, downstream, kind).
    link: Option<(usize, usize, ChannelLinkKind)>,
    since: NaiveDate,
    created_at: DateTime<Utc>,
    contacts: Vec<Uuid>,
    tier: Option<usize>,
    credit_limit: Option<i64>,
}

struct Product {
    id: Uuid,
    line: usize,
    list_price: i64,
    standard_cost: i64,
    supplier: usize,
}

/// An order before it is written: when, who buys, and the seed of its lines.
#[derive(Clone, Copy)]
struct PlannedOrder {
    at: DateTime<Utc>,
    buyer: u32,
    seed: u64,
}

struct Line {
    product: usize,
    quantity: i64,
    unit_price: i64,
    source: PriceSource,
    net: i64,
    tax: i64,
}

struct Plan {
    seed: u64,
    counts: Counts,
    /// The end of the history: the start of the `until` day.
    end: DateTime<Utc>,
    start: DateTime<Utc>,
    orgs: Vec<Org>,
    suppliers: std::ops::Range<usize>,
    distributors: std::ops::Range<usize>,
    dealers: std::ops::Range<usize>,
    products: Vec<Product>,
    popularity: Weighted,
    tier_ids: Vec<(Uuid, Uuid)>,
    orders: Vec<PlannedOrder>,
    order_ids: Vec<Uuid>,
}

/// Half-even rounding of `value / 100` for non-negative cents.
fn percent_of(value: i64, percent: i64) -> i64 {
    let product = value * percent;
    let (q, r) = (product / 100, product % 100);
    if r > 50 || (r == 50 && q % 2 == 1) {
        q + 1
    } else {
        q
    }
}

fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

impl Plan {
    fn new(options: &ScaleOptions) -> Plan {
        let counts = Counts::at(options.factor);
        let mut rng = Rng(options.seed);
        let end = day_start(options.until);
        let start = end - Duration::days(3 * 365);
        let mut plan = Plan {
            seed: options.seed,
            counts,
            end,
            start,
            orgs: Vec::new(),
            suppliers: 0..0,
            distributors: 0..0,
            dealers: 0..0,
            products: Vec::new(),
            popularity: Weighted::new(std::iter::empty()),
            tier_ids: Vec::new(),
            orders: Vec::new(),
            order_ids: Vec::new(),
        };
        plan.organizations(&mut rng);
        plan.catalog(&mut rng);
        plan.plan_orders(&mut rng);
        plan
    }

    /// A time when an organization came to be: up to ten years before the history starts
    /// for the channel, up to a year before for customers.
    fn founded(&self, rng: &mut Rng, years: u64) -> DateTime<Utc> {
        let days = rng.below((years * 365) as usize) as i64;
        self.start - Duration::days(days) - Duration::seconds(rng.below(86_400) as i64)
    }

    fn org(&mut self, rng: &mut Rng, mut org: Org, contacts: usize) -> usize {
        for _ in 0..contacts {
            org.contacts.push(id_at(rng, org.created_at));
        }
        self.orgs.push(org);
        self.orgs.len() - 1
    }

    fn blank(&self, rng: &mut Rng, kind: OrganizationKind, code: String, name: String) -> Org {
        let created_at = match kind {
            OrganizationKind::EndCustomer => self.founded(rng, 1),
            _ => self.founded(rng, 10),
        };
        Org {
            id: id_at(rng, created_at),
            kind,
            code,
            name,
            segment: None,
            customer_type: CustomerType::Business,
            territory: None,
            seller: None,
            link: None,
            since: created_at.date_naive(),
            created_at,
            contacts: Vec::new(),
            tier: None,
            credit_limit: None,
        }
    }

    fn organizations(&mut self, rng: &mut Rng) {
        let counts = self.counts;
        let mut brand = self.blank(
            rng,
            OrganizationKind::Brand,
            BRAND_CODE.to_owned(),
            "Aurora Appliances".to_owned(),
        );
        brand.segment = Some(IndustrySegment::Manufacturing);
        let brand = self.org(rng, brand, 2);

        let first = self.orgs.len();
        for i in 1..=counts.suppliers {
            let name = format!("{} Components {i}", rng.pick(&PLACES));
            let mut s = self.blank(rng, OrganizationKind::Supplier, format!("SUP-{i:03}"), name);
            s.segment = Some(IndustrySegment::Manufacturing);
            s.link = Some((first + i - 1, brand, ChannelLinkKind::Supplies));
            self.org(rng, s, 1);
        }
        self.suppliers = first..self.orgs.len();

        // Distributors: the first is the biggest; ranks by size give the tiers.
        let first = self.orgs.len();
        for i in 1..=counts.distributors {
            let territory = TERRITORIES[(i - 1) % TERRITORIES.len()];
            let name = format!("{} {} Distribution", rng.pick(&PLACES), rng.pick(&TRADES));
            let mut d = self.blank(
                rng,
                OrganizationKind::Distributor,
                format!("DIST-{i:03}"),
                name,
            );
            d.segment = Some(IndustrySegment::Retail);
            d.territory = Some(territory);
            d.seller = Some(brand);
            d.link = Some((brand, first + i - 1, ChannelLinkKind::DistributesTo));
            let rank = (i - 1) as f64 / counts.distributors as f64;
            let tier = if rank < 0.2 {
                2
            } else if rank < 0.5 {
                1
            } else {
                0
            };
            d.tier = Some(tier);
            d.credit_limit = Some([25_000_000, 100_000_000, 200_000_000][tier]);
            self.org(rng, d, 3);
        }
        self.distributors = first..self.orgs.len();

        // Dealers: one for each distributor first, then the rest by distributor size.
        let by_size =
            Weighted::new((0..counts.distributors).map(|i| 1.0 / (i as f64 + 1.0).powf(0.8)));
        let first = self.orgs.len();
        for i in 1..=counts.dealers {
            let distributor = self.distributors.start
                + if i <= counts.distributors {
                    i - 1
                } else {
                    by_size.pick(rng)
                };
            let territory = self.orgs[distributor].territory;
            let name = if i % 10 == 0 {
                format!("{}商事 {i}", ["東京", "大阪", "北京", "上海"][i / 10 % 4])
            } else {
                format!("{} {} {i}", rng.pick(&PLACES), rng.pick(&TRADES))
            };
            let mut d = self.blank(
                rng,
                OrganizationKind::IntermediateCustomer,
                format!("DLR-{i:05}"),
                name,
            );
            d.segment = Some(*rng.pick(&SEGMENTS));
            d.territory = territory;
            d.seller = Some(distributor);
            d.link = Some((distributor, first + i - 1, ChannelLinkKind::ResellsTo));
            let contacts = 1 + rng.below(2);
            self.org(rng, d, contacts);
        }
        self.dealers = first..self.orgs.len();

        // End customers: one in ten buys from the brand directly, the rest from a dealer,
        // bigger dealers serving more.
        let dealer_size = Weighted::new((0..counts.dealers).map(|_| (rng.normal()).exp()));
        let first = self.orgs.len();
        for i in 1..=counts.customers {
            let consumer = rng.below(3) != 0;
            let name = if consumer {
                if rng.below(6) == 0 {
                    format!("{} {i}", rng.pick(&CJK_NAMES))
                } else {
                    format!("{} {} {i}", rng.pick(&GIVEN), rng.pick(&FAMILY))
                }
            } else {
                format!("{} {} {i}", rng.pick(&FAMILY), rng.pick(&TRADES))
            };
            let seller = if i % 10 == 0 {
                brand
            } else {
                self.dealers.start + dealer_size.pick(rng)
            };
            let territory = if seller == brand {
                Some(TERRITORIES[i % TERRITORIES.len()])
            } else {
                self.orgs[seller].territory
            };
            let mut c = self.blank(
                rng,
                OrganizationKind::EndCustomer,
                format!("CUST-{i:06}"),
                name,
            );
            c.customer_type = if consumer {
                CustomerType::Consumer
            } else {
                CustomerType::Business
            };
            c.segment = (!consumer).then(|| *rng.pick(&SEGMENTS));
            c.territory = territory;
            c.seller = Some(seller);
            c.link = Some((seller, first + i - 1, ChannelLinkKind::Serves));
            self.org(rng, c, 1);
        }
    }

    fn catalog(&mut self, rng: &mut Rng) {
        for i in 0..self.counts.products {
            let line = i % LINES.len();
            let (_, _, low, high) = LINES[line];
            // Log-uniform within the line's range, to whole euros.
            let price =
                (low as f64 * (high as f64 / low as f64).powf(rng.unit())) as i64 / 100 * 100;
            let cost_percent = 55 + rng.below(21) as i64;
            let created = self.founded(rng, 5);
            self.products.push(Product {
                id: id_at(rng, created),
                line,
                list_price: price.max(100),
                standard_cost: percent_of(price.max(100), cost_percent),
                supplier: self.suppliers.start + rng.below(self.suppliers.len()),
            });
        }
        self.popularity =
            Weighted::new((0..self.counts.products).map(|i| 1.0 / (i as f64 + 1.0).powf(0.9)));
        for _ in TIERS {
            let at = self.start;
            self.tier_ids.push((id_at(rng, at), id_at(rng, at)));
        }
    }

    /// Who places the orders and when, oldest first.
    fn plan_orders(&mut self, rng: &mut Rng) {
        let weight = |rng: &mut Rng, sigma: f64| (sigma * rng.normal()).exp();
        let distributors = Weighted::new(
            self.distributors
                .clone()
                .map(|i| 1.0 / ((i - self.distributors.start) as f64 + 1.0).powf(0.8)),
        );
        let dealers = Weighted::new(self.dealers.clone().map(|_| weight(rng, 1.0)));
        let customers_start = self.dealers.end;
        let brand = 0;
        let customers = Weighted::new((customers_start..self.orgs.len()).map(|i| {
            // Customers the brand serves directly are bigger accounts.
            let direct = if self.orgs[i].seller == Some(brand) {
                3.0
            } else {
                1.0
            };
            direct * weight(rng, 2.2)
        }));
        let span = (self.end - self.start).num_seconds() as f64;
        let mut orders = Vec::with_capacity(self.counts.orders);
        for _ in 0..self.counts.orders {
            let u = rng.unit();
            let buyer = if u < 0.05 {
                self.distributors.start + distributors.pick(rng)
            } else if u < 0.30 {
                self.dealers.start + dealers.pick(rng)
            } else {
                customers_start + customers.pick(rng)
            };
            // More orders towards the end: the density of the age falls linearly.
            let age = span * (1.0 - rng.unit().sqrt());
            let at = self.end - Duration::seconds(age as i64 + 1);
            orders.push(PlannedOrder {
                at,
                buyer: buyer as u32,
                seed: rng.next(),
            });
        }
        orders.sort_by_key(|o| (o.at, o.seed));
        self.order_ids = orders.iter().map(|o| id_at(rng, o.at)).collect();
        self.orders = orders;
    }

    /// The lines of an order, the same every time they are asked for.
    fn lines(&self, order: &PlannedOrder) -> Vec<Line> {
        let mut rng = Rng(order.seed);
        let buyer = &self.orgs[order.buyer as usize];
        // One to nine lines, five on average; never more than there are products.
        let count = (1 + rng.below(9)).min(self.products.len());
        let mut lines: Vec<Line> = Vec::with_capacity(count);
        while lines.len() < count {
            let product = self.popularity.pick(&mut rng);
            if lines.iter().any(|l| l.product == product) {
                continue;
            }
            let list = self.products[product].list_price;
            let (quantity, unit_price, source) = match (buyer.kind, buyer.tier) {
                (OrganizationKind::Distributor, Some(tier)) => {
                    let q = rng.between(5, 40);
                    let (_, _, _, percent, break_percent, _) = TIERS[tier];
                    let p = if q >= 10 { break_percent } else { percent };
                    (q, percent_of(list, p), PriceSource::TierPriceList)
                }
                (OrganizationKind::IntermediateCustomer, _) => {
                    (rng.between(1, 10), list, PriceSource::ListPrice)
                }
                _ => (rng.between(1, 2), list, PriceSource::ListPrice),
            };
            let net = quantity * unit_price;
            lines.push(Line {
                product,
                quantity,
                unit_price,
                source,
                net,
                tax: percent_of(net, TAX_PERCENT),
            });
        }
        lines
    }

    /// The status an order's age gives it; one in fifty is cancelled.
    fn status(&self, order: &PlannedOrder) -> OrderStatus {
        let age = self.end - order.at;
        if order.seed.is_multiple_of(50) {
            OrderStatus::Cancelled
        } else if age < Duration::days(2) {
            OrderStatus::Submitted
        } else if age < Duration::days(10) {
            OrderStatus::Acknowledged
        } else if age < Duration::days(30) {
            OrderStatus::Shipped
        } else {
            OrderStatus::Paid
        }
    }

    async fn write(&self, conn: &mut PgConnection) -> Result<ScaleReport> {
        let organizations = self.write_organizations(conn).await?;
        let contacts = self.write_contacts(conn).await?;
        self.write_addresses(conn).await?;
        self.write_links(conn).await?;
        let products = self.write_catalog(conn).await?;
        let (orders, lines) = self.write_orders(conn).await?;
        let cases = self.write_cases(conn).await?;
        let interactions = self.write_interactions(conn).await?;
        self.write_balances(conn).await?;
        self.write_costs(conn).await?;
        Ok(ScaleReport {
            organizations,
            contacts,
            products,
            orders,
            lines,
            cases,
            interactions,
            seconds: 0.0,
            api_token: String::new(),
        })
    }

    async fn write_organizations(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut c = Copy::begin(
            conn,
            "organizations",
            "id, kind, name, name_key, legal_name, code, segment, customer_type, territory, status, credit_limit, credit_currency, key_account, created_at, updated_at, version",
        )
        .await?;
        for o in &self.orgs {
            let business = o.customer_type == CustomerType::Business;
            c.uuid(o.id)
                .plain(o.kind.to_value())
                .text(&o.name)
                .text(&sort_key(&o.name))
                .opt_text(business.then(|| format!("{} Ltd.", o.name)).as_deref())
                .text(&o.code)
                .opt_text(o.segment.map(|s| s.to_value()).as_deref())
                .plain(o.customer_type.to_value())
                .opt_text(o.territory)
                .plain(OrganizationStatus::Active.to_value());
            match o.credit_limit {
                Some(limit) => c.cents(limit).text("EUR"),
                None => c.null().null(),
            };
            c.flag(false).stamped(o.created_at).end().await?;
        }
        c.finish().await
    }

    async fn write_contacts(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut rng = Rng(self.seed ^ 0xC0);
        let mut c = Copy::begin(
            conn,
            "contacts",
            "id, organization_id, name, name_key, title, email, phone, buying_role, marketing_consent, consent_changed_at, consent_source, created_at, updated_at, version",
        )
        .await?;
        let roles = [
            BuyingRole::DecisionMaker,
            BuyingRole::Influencer,
            BuyingRole::User,
            BuyingRole::Gatekeeper,
        ];
        let titles = ["Purchasing Manager", "Owner", "Service Lead", "Buyer"];
        let consents = [
            ConsentStatus::Unknown,
            ConsentStatus::OptedIn,
            ConsentStatus::OptedOut,
        ];
        for (n, o) in self.orgs.iter().enumerate() {
            for (k, id) in o.contacts.iter().enumerate() {
                let name = if o.customer_type == CustomerType::Consumer {
                    o.name.clone()
                } else if rng.below(5) == 0 {
                    (*rng.pick(&CJK_NAMES)).to_owned()
                } else {
                    format!("{} {}", rng.pick(&GIVEN), rng.pick(&FAMILY))
                };
                let consent = *rng.pick(&consents);
                let known = consent != ConsentStatus::Unknown;
                c.uuid(*id)
                    .uuid(o.id)
                    .text(&name)
                    .text(&sort_key(&name))
                    .text(titles[k % titles.len()])
                    .text(&format!(
                        "contact{}@{}.example",
                        k + 1,
                        o.code.to_lowercase()
                    ))
                    .text(&format!("+49 40 {:08}", n * 4 + k))
                    .plain(rng.pick(&roles).to_value())
                    .plain(consent.to_value())
                    .opt_time(known.then_some(o.created_at))
                    .opt_text(known.then_some("scale"))
                    .stamped(o.created_at)
                    .end()
                    .await?;
            }
        }
        c.finish().await
    }

    async fn write_addresses(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut rng = Rng(self.seed ^ 0xAD);
        let mut c = Copy::begin(
            conn,
            "addresses",
            "id, organization_id, kind, line1, city, postal_code, country, gln, created_at, updated_at, version",
        )
        .await?;
        for (n, o) in self.orgs.iter().enumerate() {
            let (city, country) = *rng.pick(&CITIES);
            let body = format!("401{n:09}");
            let digits: Vec<u32> = body.chars().filter_map(|ch| ch.to_digit(10)).collect();
            let gln = format!("{body}{}", gs1_check_digit(&digits));
            c.uuid(id_at(&mut rng, o.created_at))
                .uuid(o.id)
                .plain(AddressKind::HeadOffice.to_value())
                .text(&format!("{} Street {}", rng.pick(&PLACES), n % 200 + 1))
                .text(city)
                .text(&format!("{:05}", 10_000 + n % 90_000))
                .text(country)
                .opt_text((o.kind != OrganizationKind::EndCustomer).then_some(gln.as_str()))
                .stamped(o.created_at)
                .end()
                .await?;
        }
        c.finish().await
    }

    async fn write_links(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut rng = Rng(self.seed ^ 0x11);
        let mut c = Copy::begin(
            conn,
            "channel_links",
            "id, upstream_id, downstream_id, kind, level, status, since, territory, exclusive, created_at, updated_at, version",
        )
        .await?;
        let levels = [
            RelationshipLevel::Reactive,
            RelationshipLevel::Proactive,
            RelationshipLevel::Active,
            RelationshipLevel::Partnership,
        ];
        for o in &self.orgs {
            let Some((up, down, kind)) = o.link else {
                continue;
            };
            c.uuid(id_at(&mut rng, o.created_at))
                .uuid(self.orgs[up].id)
                .uuid(self.orgs[down].id)
                .plain(kind.to_value())
                .plain(rng.pick(&levels).to_value())
                .plain("ACTIVE")
                .date(o.since)
                .opt_text(o.territory)
                .flag(false)
                .stamped(o.created_at)
                .end()
                .await?;
        }
        c.finish().await
    }

    /// Products with their suppliers, the tiers' price lists and the distributors' tiers.
    async fn write_catalog(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut c = Copy::begin(
            conn,
            "products",
            "id, sku, name, name_key, gtin, product_line, unit, list_price, currency, tax_rate, standard_cost, status, created_at, updated_at, version",
        )
        .await?;
        for (i, p) in self.products.iter().enumerate() {
            let (line, unit, _, _) = LINES[p.line];
            let name = format!("Aurora {line} {}", i + 1);
            let body = format!("40063851{:04}", i % 10_000);
            let digits: Vec<u32> = body.chars().filter_map(|ch| ch.to_digit(10)).collect();
            c.uuid(p.id)
                .text(&format!("SKU-{:05}", i + 1))
                .text(&name)
                .text(&sort_key(&name))
                .opt_text(
                    (i < 10_000)
                        .then(|| format!("{body}{}", gs1_check_digit(&digits)))
                        .as_deref(),
                )
                .text(line)
                .plain(unit.to_value())
                .cents(p.list_price)
                .text("EUR")
                .whole(TAX_PERCENT)
                .cents(p.standard_cost)
                .plain("ACTIVE")
                .stamped(self.start)
                .end()
                .await?;
        }
        let products = c.finish().await?;

        let mut c = Copy::begin(
            conn,
            "product_suppliers",
            "product_id, supplier_id, supplier_part_number, created_at",
        )
        .await?;
        for (i, p) in self.products.iter().enumerate() {
            c.uuid(p.id)
                .uuid(self.orgs[p.supplier].id)
                .text(&format!("SP-{:05}", i + 1))
                .time(self.start)
                .end()
                .await?;
        }
        c.finish().await?;

        let valid_from = self.start.date_naive();
        let mut c = Copy::begin(
            conn,
            "price_lists",
            "id, code, name, currency, valid_from, created_at, updated_at, version",
        )
        .await?;
        for ((code, name, ..), (list, _)) in TIERS.iter().zip(&self.tier_ids) {
            c.uuid(*list)
                .text(&format!("PL-{code}"))
                .text(&format!("{name} partner prices"))
                .text("EUR")
                .date(valid_from)
                .stamped(self.start)
                .end()
                .await?;
        }
        c.finish().await?;

        let mut rng = Rng(self.seed ^ 0x9E);
        let mut c = Copy::begin(
            conn,
            "price_list_entries",
            "id, price_list_id, product_id, min_quantity, unit_price, created_at",
        )
        .await?;
        for ((_, _, _, percent, break_percent, _), (list, _)) in TIERS.iter().zip(&self.tier_ids) {
            for p in &self.products {
                for (min, pct) in [(1, percent), (10, break_percent)] {
                    c.uuid(id_at(&mut rng, self.start))
                        .uuid(*list)
                        .uuid(p.id)
                        .whole(min)
                        .cents(percent_of(p.list_price, *pct))
                        .time(self.start)
                        .end()
                        .await?;
                }
            }
        }
        c.finish().await?;

        let mut c = Copy::begin(
            conn,
            "partner_tiers",
            "id, code, name, rank, price_list_id, payment_terms_days, financing_days, reports_inventory, reports_sell_through, settlement_cadence, created_at, updated_at, version",
        )
        .await?;
        for ((code, name, rank, _, _, terms), (list, tier)) in TIERS.iter().zip(&self.tier_ids) {
            c.uuid(*tier)
                .text(code)
                .text(name)
                .plain(rank)
                .uuid(*list)
                .plain(terms)
                .plain(terms - 30)
                .flag(*rank >= 2)
                .flag(*rank >= 3)
                .plain(SettlementCadence::Monthly.to_value())
                .stamped(self.start)
                .end()
                .await?;
        }
        c.finish().await?;

        let mut c = Copy::begin(
            conn,
            "tier_memberships",
            "id, organization_id, tier_id, started_at",
        )
        .await?;
        for o in &self.orgs[self.distributors.clone()] {
            if let Some(tier) = o.tier {
                c.uuid(id_at(&mut rng, o.created_at))
                    .uuid(o.id)
                    .uuid(self.tier_ids[tier].1)
                    .time(o.created_at)
                    .end()
                    .await?;
            }
        }
        c.finish().await?;
        Ok(products)
    }

    async fn write_orders(&self, conn: &mut PgConnection) -> Result<(u64, u64)> {
        let mut c = Copy::begin(
            conn,
            "orders",
            "id, kind, number, buyer_id, seller_id, buyer_po_number, content_hash, status, currency, total, tax_total, invoiced_amount, payment_terms_days, submitted_at, created_at, updated_at, version",
        )
        .await?;
        let sales = OrderKind::Sales.to_value();
        for (n, (order, id)) in self.orders.iter().zip(&self.order_ids).enumerate() {
            let buyer = &self.orgs[order.buyer as usize];
            let seller = buyer.seller.unwrap_or(0);
            let lines = self.lines(order);
            let status = self.status(order);
            let net: i64 = lines.iter().map(|l| l.net).sum();
            let tax: i64 = lines.iter().map(|l| l.tax).sum();
            let terms = buyer.tier.map(|t| TIERS[t].5).unwrap_or(30);
            let number = n + 1;
            // The content hash a repeated PO is compared by: any fixed text per order.
            let hash = crate::auth::secrets::digest(&format!("{}:{number}", self.seed));
            c.uuid(*id)
                .plain(&sales)
                .text(&format!("SO-{number:06}"))
                .uuid(buyer.id)
                .uuid(self.orgs[seller].id)
                .text(&format!("PO-{number:07}"))
                .text(&hash)
                .plain(status.to_value())
                .text("EUR")
                .cents(net + tax)
                .cents(tax)
                .cents(if status == OrderStatus::Paid {
                    net + tax
                } else {
                    0
                })
                .plain(terms)
                .time(order.at)
                .stamped(order.at)
                .end()
                .await?;
        }
        let orders = c.finish().await?;

        let mut rng = Rng(self.seed ^ 0x01);
        let mut c = Copy::begin(
            conn,
            "order_lines",
            "id, order_id, line_number, product_id, quantity, unit, unit_price, price_source, line_total, tax_rate, tax_amount, status, accepted_quantity, shipped_quantity, invoiced_quantity",
        )
        .await?;
        for (order, id) in self.orders.iter().zip(&self.order_ids) {
            let status = self.status(order);
            let (line_status, accepted, shipped, invoiced) = match status {
                OrderStatus::Cancelled => (LineStatus::Cancelled, false, false, false),
                OrderStatus::Submitted => (LineStatus::Open, false, false, false),
                OrderStatus::Acknowledged => (LineStatus::Accepted, true, false, false),
                OrderStatus::Shipped => (LineStatus::Accepted, true, true, false),
                _ => (LineStatus::Accepted, true, true, true),
            };
            for (k, line) in self.lines(order).iter().enumerate() {
                let product = &self.products[line.product];
                c.uuid(id_at(&mut rng, order.at))
                    .uuid(*id)
                    .plain(k + 1)
                    .uuid(product.id)
                    .whole(line.quantity)
                    .plain(LINES[product.line].1.to_value())
                    .cents(line.unit_price)
                    .plain(line.source.to_value())
                    .cents(line.net)
                    .whole(TAX_PERCENT)
                    .cents(line.tax)
                    .plain(line_status.to_value());
                if accepted {
                    c.whole(line.quantity);
                } else {
                    c.null();
                }
                c.whole(if shipped { line.quantity } else { 0 })
                    .whole(if invoiced { line.quantity } else { 0 })
                    .end()
                    .await?;
            }
        }
        let lines = c.finish().await?;
        sea_orm::sqlx::query("SELECT setval('counter_so', $1)")
            .bind(orders.max(1) as i64)
            .execute(&mut *conn)
            .await
            .map_err(|e| failed("counter_so", e))?;
        Ok((orders, lines))
    }

    /// Cases about orders, picked uniformly from the orders so that busy customers have
    /// more; half are complaints naming the order and one of its products.
    async fn write_cases(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut rng = Rng(self.seed ^ 0xCA5E);
        let mut planned: Vec<(DateTime<Utc>, usize, u64)> = (0..self.counts.cases)
            .map(|_| {
                let j = rng.below(self.orders.len());
                let order = &self.orders[j];
                let later = Duration::hours(rng.between(2, 20 * 24));
                let at = if order.at + later < self.end - Duration::hours(1) {
                    order.at + later
                } else {
                    order.at + (self.end - order.at) / 2
                };
                (at, j, rng.next())
            })
            .collect();
        planned.sort_by_key(|(at, _, seed)| (*at, *seed));
        let mut c = Copy::begin(
            conn,
            "cases",
            "id, number, kind, organization_id, contact_id, subject, description, order_id, product_id, quantity, ship_date, category, severity, department, status, cause, resolution, satisfaction, first_response_due_at, resolution_due_at, first_responded_at, resolved_at, closed_at, reopened_count, created_at, updated_at, version",
        )
        .await?;
        let categories = [
            (
                CaseCategory::ProductQuality,
                "does not work as specified",
                "Quality",
            ),
            (CaseCategory::Delivery, "arrived damaged", "Logistics"),
            (CaseCategory::Service, "installation problem", "Service"),
            (CaseCategory::Billing, "invoice amount disputed", "Finance"),
            (CaseCategory::Other, "other complaint", "Service"),
        ];
        let resolutions = [
            CaseResolution::Repair,
            CaseResolution::Exchange,
            CaseResolution::Refund,
            CaseResolution::Credit,
            CaseResolution::None,
        ];
        for (n, (at, j, seed)) in planned.iter().enumerate() {
            let mut r = Rng(*seed);
            let order = &self.orders[*j];
            let org = &self.orgs[order.buyer as usize];
            let kind = match r.below(10) {
                0..=4 => CaseKind::Complaint,
                5..=7 => CaseKind::ServiceRequest,
                _ => CaseKind::Inquiry,
            };
            let lines = self.lines(order);
            let line = &lines[r.below(lines.len())];
            let product = &self.products[line.product];
            let (category, what, department) = *r.pick(&categories);
            let severity = *r.pick(&[
                CaseSeverity::Low,
                CaseSeverity::Low,
                CaseSeverity::Medium,
                CaseSeverity::Medium,
                CaseSeverity::High,
                CaseSeverity::Critical,
            ]);
            let response_due = *at + Duration::hours(24);
            let resolution_due = *at + Duration::days(5);
            let responded = *at + Duration::minutes(r.between(20, 36 * 60));
            let resolved = *at + Duration::hours(r.between(4, 10 * 24));
            let closed = resolved + Duration::days(2);
            let recent = self.end - *at < Duration::days(14);
            let status = if !recent {
                if r.below(10) == 0 {
                    CaseStatus::Resolved
                } else {
                    CaseStatus::Closed
                }
            } else {
                *r.pick(&[
                    CaseStatus::Open,
                    CaseStatus::Open,
                    CaseStatus::InProgress,
                    CaseStatus::InProgress,
                    CaseStatus::Resolved,
                ])
            };
            let answered = status != CaseStatus::Open && responded < self.end;
            let done = matches!(status, CaseStatus::Resolved | CaseStatus::Closed);
            let resolved = done.then(|| resolved.min(self.end - Duration::minutes(1)));
            let closed =
                (status == CaseStatus::Closed).then(|| closed.min(self.end - Duration::minutes(1)));
            let complaint = kind == CaseKind::Complaint;
            let subject = match kind {
                CaseKind::Complaint => format!("SKU-{:05} {what}", line.product + 1),
                CaseKind::ServiceRequest => format!("Service for SKU-{:05}", line.product + 1),
                CaseKind::Inquiry => format!("Question about SKU-{:05}", line.product + 1),
            };
            c.uuid(id_at(&mut rng, *at))
                .text(&format!("CASE-{:06}", n + 1))
                .plain(kind.to_value())
                .uuid(org.id)
                .opt_uuid(org.contacts.first().copied())
                .text(&subject)
                .opt_text(complaint.then_some("Reported by the customer; details in the notes."))
                .opt_uuid(complaint.then_some(self.order_ids[*j]))
                .opt_uuid((kind != CaseKind::Inquiry).then_some(product.id));
            if complaint {
                c.whole(1)
                    .date((order.at + Days::new(3)).date_naive())
                    .plain(category.to_value());
            } else {
                c.null().null().null();
            }
            c.plain(severity.to_value())
                .text(department)
                .plain(status.to_value())
                .opt_text((complaint && done).then_some("Traced to transport handling"))
                .opt_text(
                    done.then(|| {
                        if complaint {
                            r.pick(&resolutions).to_value()
                        } else {
                            CaseResolution::None.to_value()
                        }
                    })
                    .as_deref(),
                );
            if closed.is_some() {
                c.plain(*r.pick(&[2, 3, 4, 4, 5, 5, 5]));
            } else {
                c.null();
            }
            c.time(response_due)
                .time(resolution_due)
                .opt_time(answered.then_some(responded.min(self.end - Duration::minutes(1))))
                .opt_time(resolved)
                .opt_time(closed)
                .plain(0)
                .time(*at)
                .time(closed.or(resolved).unwrap_or(*at))
                .plain(1)
                .end()
                .await?;
        }
        let cases = c.finish().await?;
        sea_orm::sqlx::query(
            "INSERT INTO counters (name, value) VALUES ('CASE', $1) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        )
        .bind(cases as i64)
        .execute(&mut *conn)
        .await
        .map_err(|e| failed("counters", e))?;
        Ok(cases)
    }

    /// Interactions: six in ten with buyers around their orders (some recorded by the
    /// dealer that sells to them), the rest visits and calls with dealers and distributors.
    async fn write_interactions(&self, conn: &mut PgConnection) -> Result<u64> {
        let mut rng = Rng(self.seed ^ 0x1A7E);
        let span = (self.end - self.start).num_seconds();
        let partners = self.distributors.start..self.dealers.end;
        let mut planned: Vec<(DateTime<Utc>, usize, u64)> = (0..self.counts.interactions)
            .map(|_| {
                if rng.below(10) < 6 {
                    let order = &self.orders[rng.below(self.orders.len())];
                    let before = Duration::minutes(rng.between(10, 5 * 24 * 60));
                    let at = (order.at - before).max(self.start);
                    (at, order.buyer as usize, rng.next())
                } else {
                    let org = partners.start + rng.below(partners.len());
                    let at = self.start + Duration::seconds(rng.below(span as usize) as i64);
                    (at, org, rng.next())
                }
            })
            .collect();
        planned.sort_by_key(|(at, _, seed)| (*at, *seed));
        let kinds = [
            (InteractionKind::Call, "Called about the next order"),
            (InteractionKind::Call, "Called back about delivery dates"),
            (InteractionKind::Email, "Sent the new price list"),
            (
                InteractionKind::Email,
                "Answered a question about installation",
            ),
            (
                InteractionKind::Visit,
                "Visited the showroom; reviewed stock",
            ),
            (InteractionKind::Meeting, "Quarterly planning meeting"),
            (InteractionKind::TradeShow, "Met at the trade fair"),
            (
                InteractionKind::PortalMessage,
                "Asked about a back-ordered line",
            ),
        ];
        let mut c = Copy::begin(
            conn,
            "interactions",
            "id, organization_id, author_organization_id, kind, occurred_at, summary, created_at, updated_at, version",
        )
        .await?;
        let mut ids = Vec::with_capacity(planned.len());
        for (at, org, seed) in &planned {
            let mut r = Rng(*seed);
            let o = &self.orgs[*org];
            let (kind, summary) = *r.pick(&kinds);
            // A dealer records some of its own customers' interactions.
            let author = match (o.kind, o.seller) {
                (OrganizationKind::EndCustomer, Some(seller)) if seller != 0 && r.below(10) < 3 => {
                    Some(self.orgs[seller].id)
                }
                _ => None,
            };
            let id = id_at(&mut rng, *at);
            ids.push(id);
            c.uuid(id)
                .uuid(o.id)
                .opt_uuid(author)
                .plain(kind.to_value())
                .time(*at)
                .text(summary)
                .stamped(*at)
                .end()
                .await?;
        }
        let interactions = c.finish().await?;
        let mut c = Copy::begin(
            conn,
            "interaction_participants",
            "id, interaction_id, contact_id",
        )
        .await?;
        for ((at, org, _), id) in planned.iter().zip(&ids) {
            if let Some(contact) = self.orgs[*org].contacts.first() {
                c.uuid(id_at(&mut rng, *at))
                    .uuid(*id)
                    .uuid(*contact)
                    .end()
                    .await?;
            }
        }
        c.finish().await?;
        Ok(interactions)
    }

    /// Credit balances by the same rule the migration that made them uses: open orders
    /// count what they will still invoice (the scale set has no invoices).
    async fn write_balances(&self, conn: &mut PgConnection) -> Result<()> {
        sea_orm::sqlx::query(
            "INSERT INTO credit_balances (buyer_id, seller_id, currency, amount) \
             SELECT buyer_id, seller_id, currency, SUM(total - invoiced_amount) \
             FROM orders WHERE kind = 'SALES' AND status IN \
             ('SUBMITTED', 'ACKNOWLEDGED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'INVOICED') \
             GROUP BY buyer_id, seller_id, currency",
        )
        .execute(&mut *conn)
        .await
        .map_err(|e| failed("credit_balances", e))?;
        Ok(())
    }

    /// Costs frozen on the lines, and each order's cost and margin, by the rules of the
    /// migration that made them ([`crate::analytics::rollups::line_cost`]); the rollups are
    /// built from the orders once they are committed.
    async fn write_costs(&self, conn: &mut PgConnection) -> Result<()> {
        let cost = "CAST(ROUND(CAST(COALESCE(l.accepted_quantity, l.quantity) AS NUMERIC) \
                    * l.unit_cost / 10000.0) AS BIGINT)";
        let statements = [
            "UPDATE order_lines l SET unit_cost = p.standard_cost FROM products p, orders o \
             WHERE p.id = l.product_id AND o.id = l.order_id AND p.currency = o.currency"
                .to_owned(),
            format!(
                "UPDATE orders o SET cost = c.cost, margin = c.margin FROM \
                 (SELECT l.order_id, SUM({cost}) AS cost, SUM(l.line_total - {cost}) AS margin \
                  FROM order_lines l WHERE l.unit_cost IS NOT NULL GROUP BY l.order_id) c \
                 WHERE c.order_id = o.id"
            ),
        ];
        for statement in statements {
            sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(statement))
                .execute(&mut *conn)
                .await
                .map_err(|e| failed("order costs", e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(factor: f64) -> ScaleOptions {
        ScaleOptions {
            factor,
            seed: 7,
            until: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    }

    #[test]
    fn counts_shrink_with_the_factor_but_keep_one_of_each() {
        let full = Counts::at(1.0);
        assert_eq!(full.dealers, 10_000);
        assert_eq!(full.orders, 1_000_000);
        let tiny = Counts::at(0.0001);
        assert_eq!(tiny.suppliers, 1);
        assert_eq!(tiny.distributors, 1);
        assert_eq!(tiny.dealers, 1);
        assert_eq!(tiny.customers, 20);
        assert_eq!(tiny.orders, 100);
        // With one product, every order has one line.
        let p = Plan::new(&options(0.0001));
        assert_eq!(p.products.len(), 1);
        assert!(p.orders.iter().all(|o| p.lines(o).len() == 1));
    }

    #[test]
    fn the_same_options_plan_the_same_data() {
        let a = Plan::new(&options(0.001));
        let b = Plan::new(&options(0.001));
        assert_eq!(a.order_ids, b.order_ids);
        let ids = |p: &Plan| p.orgs.iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        let c = Plan::new(&ScaleOptions {
            seed: 8,
            ..options(0.001)
        });
        assert_ne!(a.order_ids, c.order_ids);
    }

    #[test]
    fn orders_are_oldest_first_inside_the_three_years() {
        let p = Plan::new(&options(0.01));
        assert!(p.orders.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(p.orders.iter().all(|o| o.at >= p.start && o.at < p.end));
        // Each order's lines come out the same when asked again, about five on average.
        let lines: usize = p.orders.iter().map(|o| p.lines(o).len()).sum();
        assert!((48_000..=52_000).contains(&lines), "{lines}");
        let first = p.lines(&p.orders[0]);
        let again = p.lines(&p.orders[0]);
        assert_eq!(
            first.iter().map(|l| (l.product, l.net)).collect::<Vec<_>>(),
            again.iter().map(|l| (l.product, l.net)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_distributor_has_dealers() {
        let p = Plan::new(&options(0.01));
        for d in p.distributors.clone() {
            assert!(
                p.orgs[p.dealers.clone()]
                    .iter()
                    .any(|o| o.seller == Some(d))
            );
        }
    }

    #[test]
    fn a_fifth_of_the_customers_bring_most_of_the_revenue() {
        let p = Plan::new(&options(0.02));
        let mut revenue = std::collections::HashMap::<u32, i64>::new();
        for o in &p.orders {
            if p.orgs[o.buyer as usize].kind == OrganizationKind::EndCustomer {
                *revenue.entry(o.buyer).or_default() +=
                    p.lines(o).iter().map(|l| l.net).sum::<i64>();
            }
        }
        let mut values: Vec<i64> = revenue.into_values().collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        let total: i64 = values.iter().sum();
        let top: i64 = values[..values.len() / 5].iter().sum();
        let share = top as f64 / total as f64;
        assert!(share > 0.7, "the top fifth brought {share:.2}");
    }

    #[test]
    fn halves_round_to_even() {
        assert_eq!(percent_of(250, 19), 48); // 47.5 → 48
        assert_eq!(percent_of(50, 5), 2); // 2.5 → 2
        assert_eq!(percent_of(150, 5), 8); // 7.5 → 8
        assert_eq!(percent_of(100, 19), 19);
    }
}
