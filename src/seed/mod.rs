//! The demo data set: a brand with its suppliers, distributors, dealers and end customers.
//! Deterministic (the same names, codes and links on every run) and written in one
//! transaction; a second run finds the brand and adds nothing.

use chrono::NaiveDate;
use entity::enums::{
    AddressKind, BuyingRole, ChannelLinkKind, ChannelLinkStatus, ConsentStatus, CustomerType,
    IndustrySegment, OrganizationKind, OrganizationStatus, RelationshipLevel, UserRole,
};
use entity::roles::Roles;
use entity::{address, channel_link, contact, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use crate::access::Principal;
use crate::auth::service::{create_user, parse_new_user};
use crate::domain::{gs1_check_digit, sort_key};
use crate::error::Result;
use crate::store::now;

mod copy;
mod money;
mod program;
mod relationship;
mod replenishment;
mod scale;
mod trade;

pub use scale::{ScaleOptions, ScaleReport, scale};

pub const BRAND_CODE: &str = "BRAND";
pub const SUPPLIERS: usize = 5;
pub const DISTRIBUTORS: usize = 20;
pub const DEALERS: usize = 200;
pub const END_CUSTOMERS: usize = 2_000;
pub const TERRITORIES: [&str; 4] = ["NORTH", "SOUTH", "EAST", "WEST"];

/// The demo's staff admin. Demo passwords are public: production mode refuses the demo.
pub const DEMO_ADMIN_EMAIL: &str = "admin@aurora.example";
pub const DEMO_ADMIN_PASSWORD: &str = "aurora-demo-admin";
/// The demo's portal user at distributor DIST-001.
pub const DEMO_PARTNER_EMAIL: &str = "portal@dist-001.example";
pub const DEMO_PARTNER_PASSWORD: &str = "dist-001-demo-portal";

/// SplitMix64: a small, fixed generator, so the data set never changes under us.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A uniform draw from [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A draw from `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// A standard normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

const GIVEN: [&str; 16] = [
    "Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kenji",
    "Lena", "Mateo", "Nora", "Søren", "Zoë",
];
const FAMILY: [&str; 16] = [
    "Müller",
    "García",
    "Okafor",
    "Dubois",
    "Rossi",
    "Nowak",
    "Jensen",
    "Silva",
    "Tanaka",
    "Kowalski",
    "Novák",
    "O'Brien",
    "Lindqvist",
    "Ferreira",
    "Yılmaz",
    "Haddad",
];
/// Names written in scripts without case, to keep search and sort honest.
const CJK_NAMES: [&str; 8] = [
    "王伟",
    "李娜",
    "张敏",
    "刘洋",
    "佐藤健",
    "鈴木花子",
    "高橋誠",
    "田中美咲",
];
const TRADES: [&str; 10] = [
    "Appliances",
    "Electrics",
    "Home Tech",
    "Supply",
    "Trading",
    "Systems",
    "Services",
    "Installations",
    "Retail",
    "Wholesale",
];
const PLACES: [&str; 12] = [
    "Alder", "Birch", "Cedar", "Delta", "Elm", "Fjord", "Granite", "Harbor", "Iris", "Juniper",
    "Kestrel", "Linden",
];
const CITIES: [(&str, &str); 8] = [
    ("Hamburg", "DE"),
    ("Lyon", "FR"),
    ("Milano", "IT"),
    ("Kraków", "PL"),
    ("上海", "CN"),
    ("大阪", "JP"),
    ("Porto", "PT"),
    ("Göteborg", "SE"),
];
const SEGMENTS: [IndustrySegment; 7] = [
    IndustrySegment::Retail,
    IndustrySegment::Enterprise,
    IndustrySegment::Education,
    IndustrySegment::Government,
    IndustrySegment::Hospitality,
    IndustrySegment::Healthcare,
    IndustrySegment::Construction,
];

/// What the demo seed did.
pub struct SeedReport {
    pub organizations: usize,
    pub contacts: usize,
    pub addresses: usize,
    pub links: usize,
    pub products: usize,
    pub orders: usize,
    pub reports: usize,
    /// Interactions, cases and leads.
    pub relationship: usize,
    /// The secret of the demo's API token for DIST-001, shown once.
    pub api_token: Option<String>,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.organizations == 0 {
            return write!(f, "demo data already present; nothing added");
        }
        writeln!(
            f,
            "demo data added: {} organizations, {} contacts, {} addresses, {} channel links",
            self.organizations, self.contacts, self.addresses, self.links
        )?;
        writeln!(
            f,
            "demo trade added: {} products, 3 partner tiers, {} orders, {} inventory and sell-through reports",
            self.products, self.orders, self.reports
        )?;
        writeln!(
            f,
            "demo relationship work added: {} visits, cases and leads, with commitments, return visits, surveys and a campaign",
            self.relationship
        )?;
        writeln!(
            f,
            "sign in as staff admin:     {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}"
        )?;
        write!(
            f,
            "sign in as DIST-001 portal: {DEMO_PARTNER_EMAIL} / {DEMO_PARTNER_PASSWORD}"
        )?;
        if let Some(token) = &self.api_token {
            write!(
                f,
                "\nDIST-001's partner system:  Authorization: Bearer {token}  (shown once)"
            )?;
        }
        Ok(())
    }
}

struct Builder {
    rng: Rng,
    orgs: Vec<organization::ActiveModel>,
    contacts: Vec<contact::ActiveModel>,
    addresses: Vec<address::ActiveModel>,
    links: Vec<channel_link::ActiveModel>,
    at: chrono::DateTime<chrono::Utc>,
}

struct OrgSpec<'a> {
    kind: OrganizationKind,
    code: String,
    name: String,
    territory: Option<&'a str>,
    segment: Option<IndustrySegment>,
    customer_type: Option<CustomerType>,
    contacts: usize,
}

impl Builder {
    fn org(&mut self, spec: OrgSpec<'_>) -> Uuid {
        let id = Uuid::now_v7();
        let n = self.orgs.len() as u64;
        self.orgs.push(organization::ActiveModel {
            id: Set(id),
            kind: Set(spec.kind),
            name_key: Set(sort_key(&spec.name)),
            legal_name: Set(match spec.customer_type {
                Some(CustomerType::Consumer) => None,
                _ => Some(format!("{} Ltd.", spec.name)),
            }),
            name: Set(spec.name.clone()),
            code: Set(spec.code.clone()),
            tax_id: Set(None),
            segment: Set(spec.segment),
            customer_type: Set(spec.customer_type),
            territory: Set(spec.territory.map(str::to_owned)),
            parent_id: Set(None),
            account_owner_id: Set(None),
            status: Set(OrganizationStatus::Active),
            archived_at: Set(None),
            registered_by_id: Set(None),
            status_reason: Set(None),
            credit_limit: Set(None),
            credit_currency: Set(None),
            key_account: Set(false),
            created_at: Set(self.at),
            updated_at: Set(self.at),
            version: Set(1),
        });
        for i in 0..spec.contacts {
            let name = if self.rng.below(5) == 0 {
                (*self.rng.pick(&CJK_NAMES)).to_owned()
            } else {
                format!("{} {}", self.rng.pick(&GIVEN), self.rng.pick(&FAMILY))
            };
            let consent = *self.rng.pick(&[
                ConsentStatus::Unknown,
                ConsentStatus::OptedIn,
                ConsentStatus::OptedOut,
            ]);
            let role = *self.rng.pick(&[
                BuyingRole::DecisionMaker,
                BuyingRole::Influencer,
                BuyingRole::User,
                BuyingRole::Gatekeeper,
            ]);
            self.contacts.push(contact::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(id),
                name_key: Set(sort_key(&name)),
                name: Set(name),
                title: Set(Some(
                    ["Purchasing Manager", "Owner", "Service Lead", "Buyer"][i % 4].to_owned(),
                )),
                email: Set(Some(format!(
                    "contact{}@{}.example",
                    i + 1,
                    spec.code.to_lowercase()
                ))),
                phone: Set(Some(format!("+49 40 {:07}", n * 10 + i as u64))),
                buying_role: Set(Some(role)),
                preferences: Set(None),
                notes: Set(None),
                marketing_consent: Set(consent),
                consent_changed_at: Set((consent != ConsentStatus::Unknown).then_some(self.at)),
                consent_source: Set((consent != ConsentStatus::Unknown).then(|| "demo".to_owned())),
                archived_at: Set(None),
                created_at: Set(self.at),
                updated_at: Set(self.at),
                version: Set(1),
            });
        }
        let (city, country) = *self.rng.pick(&CITIES);
        let body: Vec<u32> = format!("400{n:09}")
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let gln = format!("400{n:09}{}", gs1_check_digit(&body));
        self.addresses.push(address::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(id),
            kind: Set(AddressKind::HeadOffice),
            line1: Set(format!("{} Street {}", self.rng.pick(&PLACES), n % 200 + 1)),
            line2: Set(None),
            city: Set(city.to_owned()),
            region: Set(None),
            postal_code: Set(Some(format!("{:05}", 10000 + n))),
            country: Set(country.to_owned()),
            gln: Set((spec.kind != OrganizationKind::EndCustomer).then_some(gln)),
            duns: Set(None),
            archived_at: Set(None),
            created_at: Set(self.at),
            updated_at: Set(self.at),
            version: Set(1),
        });
        id
    }

    fn link(
        &mut self,
        upstream: Uuid,
        downstream: Uuid,
        kind: ChannelLinkKind,
        territory: Option<&str>,
    ) {
        let level = *self.rng.pick(&[
            RelationshipLevel::Reactive,
            RelationshipLevel::Proactive,
            RelationshipLevel::Active,
            RelationshipLevel::Partnership,
        ]);
        let year = 2015 + self.rng.below(10) as i32;
        let since =
            NaiveDate::from_ymd_opt(year, 1 + self.rng.below(12) as u32, 1).unwrap_or_default();
        self.links.push(channel_link::ActiveModel {
            id: Set(Uuid::now_v7()),
            upstream_id: Set(upstream),
            downstream_id: Set(downstream),
            kind: Set(kind),
            level: Set(level),
            status: Set(ChannelLinkStatus::Active),
            since: Set(since),
            until: Set(None),
            territory: Set(territory.map(str::to_owned)),
            exclusive: Set(false),
            archived_at: Set(None),
            created_at: Set(self.at),
            updated_at: Set(self.at),
            version: Set(1),
        });
    }
}

/// Writes rows in chunks, to stay under every driver's limit on bound parameters.
async fn insert_chunks<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<()>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(500).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Loads the demo data set unless its brand is already there.
#[tracing::instrument(skip(db))]
pub async fn demo(db: &DatabaseConnection) -> Result<SeedReport> {
    let txn = crate::db::begin_write(db).await?;
    let present = organization::Entity::find()
        .filter(organization::Column::Code.eq(BRAND_CODE))
        .one(&txn)
        .await?
        .is_some();
    if present {
        return Ok(SeedReport {
            organizations: 0,
            contacts: 0,
            addresses: 0,
            links: 0,
            products: 0,
            orders: 0,
            reports: 0,
            relationship: 0,
            api_token: None,
        });
    }
    let mut b = Builder {
        rng: Rng(2026),
        orgs: Vec::new(),
        contacts: Vec::new(),
        addresses: Vec::new(),
        links: Vec::new(),
        at: now(),
    };
    let brand = b.org(OrgSpec {
        kind: OrganizationKind::Brand,
        code: BRAND_CODE.to_owned(),
        name: "Aurora Appliances".to_owned(),
        territory: None,
        segment: Some(IndustrySegment::Manufacturing),
        customer_type: Some(CustomerType::Business),
        contacts: 2,
    });
    let mut suppliers = Vec::with_capacity(SUPPLIERS);
    for i in 1..=SUPPLIERS {
        let name = format!("{} Components", b.rng.pick(&PLACES));
        let supplier = b.org(OrgSpec {
            kind: OrganizationKind::Supplier,
            code: format!("SUP-{i:03}"),
            name,
            territory: None,
            segment: Some(IndustrySegment::Manufacturing),
            customer_type: Some(CustomerType::Business),
            contacts: 1,
        });
        b.link(supplier, brand, ChannelLinkKind::Supplies, None);
        suppliers.push(supplier);
    }
    let mut distributors = Vec::with_capacity(DISTRIBUTORS);
    for i in 1..=DISTRIBUTORS {
        let territory = TERRITORIES[(i - 1) % TERRITORIES.len()];
        let name = format!(
            "{} {} Distribution",
            b.rng.pick(&PLACES),
            b.rng.pick(&TRADES)
        );
        let d = b.org(OrgSpec {
            kind: OrganizationKind::Distributor,
            code: format!("DIST-{i:03}"),
            name,
            territory: Some(territory),
            segment: Some(IndustrySegment::Retail),
            customer_type: Some(CustomerType::Business),
            contacts: 2,
        });
        b.link(brand, d, ChannelLinkKind::DistributesTo, Some(territory));
        distributors.push((d, territory));
    }
    let mut dealers = Vec::with_capacity(DEALERS);
    let mut ordering_dealers = Vec::new();
    for i in 1..=DEALERS {
        let (distributor, territory) = distributors[(i - 1) % DISTRIBUTORS];
        let name = if i % 10 == 0 {
            format!("{}商事", ["東京", "大阪", "北京", "上海"][i / 10 % 4])
        } else {
            format!("{} {}", b.rng.pick(&PLACES), b.rng.pick(&TRADES))
        };
        let segment = *b.rng.pick(&SEGMENTS);
        let dealer = b.org(OrgSpec {
            kind: OrganizationKind::IntermediateCustomer,
            code: format!("DLR-{i:04}"),
            name,
            territory: Some(territory),
            segment: Some(segment),
            customer_type: Some(CustomerType::Business),
            contacts: 1,
        });
        b.link(
            distributor,
            dealer,
            ChannelLinkKind::ResellsTo,
            Some(territory),
        );
        dealers.push((dealer, territory));
        // One dealer in ten also orders through the portal from its distributor.
        if i % 10 == 1 {
            ordering_dealers.push((dealer, distributor));
        }
    }
    let mut customers = Vec::with_capacity(END_CUSTOMERS);
    for i in 1..=END_CUSTOMERS {
        let consumer = b.rng.below(3) != 0;
        let (name, customer_type, segment) = if consumer {
            let name = if b.rng.below(6) == 0 {
                (*b.rng.pick(&CJK_NAMES)).to_owned()
            } else {
                format!("{} {}", b.rng.pick(&GIVEN), b.rng.pick(&FAMILY))
            };
            (name, CustomerType::Consumer, None)
        } else {
            let name = format!("{} {}", b.rng.pick(&FAMILY), b.rng.pick(&TRADES));
            (name, CustomerType::Business, Some(*b.rng.pick(&SEGMENTS)))
        };
        // One in ten end customers buys from the brand directly; the rest through a dealer.
        let direct = i % 10 == 0;
        let (upstream, territory) = if direct {
            (brand, TERRITORIES[i % TERRITORIES.len()])
        } else {
            dealers[b.rng.below(DEALERS)]
        };
        let customer = b.org(OrgSpec {
            kind: OrganizationKind::EndCustomer,
            code: format!("CUST-{i:05}"),
            name,
            territory: Some(territory),
            segment,
            customer_type: Some(customer_type),
            contacts: 1,
        });
        b.link(upstream, customer, ChannelLinkKind::Serves, Some(territory));
        customers.push(customer);
    }
    let mut report = SeedReport {
        organizations: b.orgs.len(),
        contacts: b.contacts.len(),
        addresses: b.addresses.len(),
        links: b.links.len(),
        products: 0,
        orders: 0,
        reports: 0,
        relationship: 0,
        api_token: None,
    };
    insert_chunks(&txn, b.orgs).await?;
    insert_chunks(&txn, b.contacts).await?;
    insert_chunks(&txn, b.addresses).await?;
    insert_chunks(&txn, b.links).await?;
    let supplier_ids: Vec<Uuid> = suppliers.clone();
    let trade = trade::demo(
        &txn,
        &mut b.rng,
        &supplier_ids,
        &distributors,
        &ordering_dealers,
    )
    .await?;
    report.products = trade.products;
    report.orders = trade.orders;
    report.reports = trade.reports;
    report.relationship = relationship::demo(&txn, &mut b.rng, &distributors, &customers).await?;
    let secret = accounts(&txn, distributors[0].0, "DIST-001 ERP (demo)").await?;
    report.api_token = Some(secret);
    program::demo(&txn, &distributors, DEMO_PARTNER_EMAIL).await?;
    money::demo(&txn, &distributors, DEMO_PARTNER_EMAIL).await?;
    replenishment::demo(&txn, &distributors, DEMO_PARTNER_EMAIL).await?;
    txn.commit().await?;
    Ok(report)
}

/// The names the demo and the scale data set give DIST-001's API token, whose secret they
/// print.
const DEMO_TOKEN_NAMES: [&str; 2] = ["DIST-001 ERP (demo)", "DIST-001 ERP (scale)"];

/// Production never signs anyone in with a public password: the demo's sign-ins that still
/// have their published passwords are deactivated (their sessions with them), and the
/// demo's API tokens revoked, each audited. Returns what was disabled, for one log line;
/// `None` when the database holds none of it.
pub async fn disable_demo_access(db: &DatabaseConnection) -> Result<Option<String>> {
    use entity::{api_token, user};
    let txn = crate::db::begin_write(db).await?;
    let mut disabled = Vec::new();
    for (email, password) in [
        (DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD),
        (DEMO_PARTNER_EMAIL, DEMO_PARTNER_PASSWORD),
    ] {
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .filter(user::Column::DeactivatedAt.is_null())
            .one(&txn)
            .await?;
        let Some(found) = found else { continue };
        if !crate::auth::password::verify(password, &found.password_hash) {
            continue;
        }
        crate::auth::service::deactivate_user(&txn, &Principal::System, found.id, found.version)
            .await?;
        disabled.push(email.to_owned());
    }
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::Name.is_in(DEMO_TOKEN_NAMES))
        .filter(api_token::Column::RevokedAt.is_null())
        .all(&txn)
        .await?;
    for token in &tokens {
        crate::auth::api_tokens::revoke(&txn, &Principal::System, token.id).await?;
        disabled.push(format!("the API token `{}`", token.name));
    }
    txn.commit().await?;
    Ok((!disabled.is_empty()).then(|| {
        format!(
            "production mode disabled the demo's public sign-ins and tokens it found: {}",
            disabled.join(", ")
        )
    }))
}

/// The demo's public sign-ins (a staff admin, DIST-001's portal user) and a new API token
/// for DIST-001's partner system, whose secret is returned.
async fn accounts(db: &impl ConnectionTrait, portal_org: Uuid, token_name: &str) -> Result<String> {
    for (email, name, password, role, org) in [
        (
            DEMO_ADMIN_EMAIL,
            "Demo Admin",
            DEMO_ADMIN_PASSWORD,
            Roles::of([UserRole::Admin]),
            None,
        ),
        (
            DEMO_PARTNER_EMAIL,
            "Demo Portal User",
            DEMO_PARTNER_PASSWORD,
            Roles::of([
                UserRole::PartnerAdmin,
                UserRole::PartnerManager,
                UserRole::PartnerFinance,
                UserRole::PartnerService,
            ]),
            Some(portal_org),
        ),
    ] {
        let new = parse_new_user(email, name, password.to_owned(), role, org)?;
        create_user(db, &Principal::System, new).await?;
    }
    let (_, secret) = crate::auth::api_tokens::create(
        db,
        &Principal::System,
        crate::auth::api_tokens::NewApiToken {
            organization_id: portal_org,
            name: token_name.to_owned(),
            scopes: crate::access::Scope::ALL.to_vec(),
            expires_at: None,
            registered_documents_only: false,
        },
    )
    .await?;
    Ok(secret)
}
