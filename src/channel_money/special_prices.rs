//! Special pricing agreements (SPA). A distributor asks for a net price below its own tier
//! price for an end customer's deal, product by product, with the quantities the deal needs
//! and a validity. The brand's admins and managers approve it, with the prices and caps
//! they authorise (by default what was asked), and it gets the authorisation number the
//! distributor quotes; or they reject it with the reason.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{DealStatus, OrganizationKind, OrganizationStatus, SpecialPriceStatus};
use entity::special_price::{self, Column, Entity};
use entity::special_price_line::{self as line, Entity as Lines};
use entity::{deal_registration, product};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Principal, Records};
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::money::stored;
use crate::pagination::{Page, PageRequest};
use crate::settings::{CrmSettings, TradeSettings};
use crate::store::{self, now};

/// The most products one agreement covers.
pub const MAX_LINES: usize = 100;
/// The longest an agreement may run: two years.
pub const MAX_DAYS: i64 = 731;
/// The longest note or reason, in characters.
pub const NOTE_MAX: usize = 2000;

/// One product asked for: the net price, or the discount off the distributor's tier price.
#[derive(Clone, Debug)]
pub struct NewLine {
    pub sku: String,
    pub quantity: Decimal,
    pub asked: Asked,
}

/// What a line asks for.
#[derive(Clone, Copy, Debug)]
pub enum Asked {
    /// A net unit price.
    Price(Decimal),
    /// A discount off the tier price, in percent.
    Discount(Decimal),
}

/// A special price asked for, parsed.
#[derive(Clone, Debug)]
pub struct NewSpecialPrice {
    pub end_customer_id: Uuid,
    pub deal_registration_id: Option<Uuid>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub lines: Vec<NewLine>,
    pub note: Option<String>,
}

/// What the brand authorises for one line; None keeps what was asked.
#[derive(Clone, Debug)]
pub struct LineApproval {
    pub line_number: i32,
    pub price: Option<Decimal>,
    pub quantity_cap: Option<Decimal>,
}

/// An approval, parsed.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    pub valid_until: Option<NaiveDate>,
    pub lines: Vec<LineApproval>,
    pub note: Option<String>,
}

fn line_field(i: usize, name: &str) -> Vec<String> {
    vec!["input".into(), "lines".into(), i.to_string(), name.into()]
}

fn at(field: &[String]) -> Vec<&str> {
    field.iter().map(String::as_str).collect()
}

/// The net price a discount of `percent` off `tier` comes to, to four places.
pub fn discounted(tier: Decimal, percent: Decimal) -> Decimal {
    (tier * (Decimal::ONE_HUNDRED - percent) / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven)
}

/// Checks a discount in percent: more than 0, less than 100, at most four places.
pub fn check_discount(field: &[&str], percent: Decimal) -> Result<Decimal> {
    if percent <= Decimal::ZERO || percent >= Decimal::ONE_HUNDRED {
        return Err(Error::user(
            field,
            ErrorCode::OutOfRange,
            format!("discountPercent is {percent}; it must be more than 0 and less than 100"),
        ));
    }
    if percent.normalize().scale() > 4 {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("discountPercent {percent} has more than 4 decimals"),
        ));
    }
    Ok(percent)
}

fn check_dates(
    from: NaiveDate,
    until: NaiveDate,
    today: NaiveDate,
    until_field: &[&str],
) -> Result<()> {
    if until < from {
        return Err(Error::user(
            until_field,
            ErrorCode::Invalid,
            format!("validUntil {until} is before validFrom {from}"),
        ));
    }
    if until < today {
        return Err(Error::user(
            until_field,
            ErrorCode::OutOfRange,
            format!("validUntil {until} is over already"),
        ));
    }
    if (until - from).num_days() >= MAX_DAYS || (until - today).num_days() >= MAX_DAYS {
        return Err(Error::user(
            until_field,
            ErrorCode::OutOfRange,
            format!(
                "an agreement runs at most {MAX_DAYS} days, and ends within {MAX_DAYS} days of today; {from} to {until} does not"
            ),
        ));
    }
    Ok(())
}

/// A distributor asks for a special price: its managers and sales people, or its systems
/// with `crm:write`. The tier prices are read as they stand today; each line asks for a net
/// price below its tier price, or a discount off it.
pub async fn request(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    trade: &TradeSettings,
    new: NewSpecialPrice,
) -> Result<(special_price::Model, Vec<line::Model>)> {
    use entity::enums::UserRole;
    principal.ensure_can_write_crm()?;
    principal.require_partner_role(&[UserRole::PartnerManager, UserRole::PartnerSales])?;
    let Some(distributor) = principal.partner_organization() else {
        return Err(Error::Forbidden(
            "special prices are asked for by distributors; the brand approves or rejects them"
                .into(),
        ));
    };
    crate::program::terms::ensure_accepted(db, principal).await?;
    let own = entity::organization::Entity::find_by_id(distributor)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a partner's organization is missing".into()))?;
    if own.kind != OrganizationKind::Distributor {
        return Err(Error::user(
            &["input"],
            ErrorCode::NotAllowed,
            "special prices are for distributors",
        ));
    }
    if own.status == OrganizationStatus::Pending {
        return Err(Error::user(
            &["input"],
            ErrorCode::NotAllowed,
            "your company waits for the brand's approval; it asks for special prices once approved",
        ));
    }
    // The deal first: the brand's approval of it for this customer is sight enough of the
    // customer, whether or not the distributor serves it yet.
    let deal = match new.deal_registration_id {
        Some(deal_id) => {
            // One the caller may see: a sales person names only its own.
            let deal = deal_registration::Entity::find_by_id(deal_id)
                .filter(deal_registration::Column::PartnerId.eq(distributor))
                .filter(crate::growth::deals::visible(principal))
                .one(db)
                .await?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "dealRegistrationId"],
                        ErrorCode::NotFound,
                        "none of your deal registrations has this id",
                    )
                })?;
            if deal.status != DealStatus::Approved {
                return Err(Error::user(
                    &["input", "dealRegistrationId"],
                    ErrorCode::NotAllowed,
                    format!(
                        "deal {} is not approved; a special price is for an approved deal",
                        deal.number
                    ),
                ));
            }
            if deal.customer_id != Some(new.end_customer_id) {
                return Err(Error::user(
                    &["input", "dealRegistrationId"],
                    ErrorCode::NotAllowed,
                    format!("deal {} is for another customer", deal.number),
                ));
            }
            Some(deal)
        }
        None => None,
    };
    let customer = match deal {
        Some(_) => {
            crate::organizations::service::live_organization(
                db,
                &Principal::System,
                new.end_customer_id,
                "endCustomerId",
            )
            .await?
        }
        None => {
            crate::organizations::service::live_organization(
                db,
                principal,
                new.end_customer_id,
                "endCustomerId",
            )
            .await?
        }
    };
    if customer.kind != OrganizationKind::EndCustomer {
        return Err(Error::user(
            &["input", "endCustomerId"],
            ErrorCode::NotAllowed,
            format!("{} is not an end customer", customer.code),
        ));
    }
    let today = crm.today();
    check_dates(
        new.valid_from,
        new.valid_until,
        today,
        &["input", "validUntil"],
    )?;
    if new.lines.is_empty() {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "an agreement names the products it covers",
        ));
    }
    if new.lines.len() > MAX_LINES {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::TooLong,
            format!(
                "lines holds {} products; at most {MAX_LINES} are allowed",
                new.lines.len()
            ),
        ));
    }
    let skus: Vec<String> = new.lines.iter().map(|l| l.sku.clone()).collect();
    let products = crate::catalog::products::by_skus(db, principal, &skus).await?;
    let mut priced: Vec<(&product::Model, Decimal)> = Vec::with_capacity(new.lines.len());
    for (i, asked) in new.lines.iter().enumerate() {
        if new.lines[..i].iter().any(|l| l.sku == asked.sku) {
            return Err(Error::user(
                &at(&line_field(i, "sku")),
                ErrorCode::Duplicate,
                format!("{} is named twice", asked.sku),
            ));
        }
        let product = products.get(&asked.sku).ok_or_else(|| {
            Error::user(
                &at(&line_field(i, "sku")),
                ErrorCode::NotFound,
                format!("no product has SKU {}", asked.sku),
            )
        })?;
        crate::money::quantity(
            &at(&line_field(i, "quantity")),
            asked.quantity,
            trade.max_quantity,
        )?;
        priced.push((product, asked.quantity));
    }
    let (_, prices) =
        crate::catalog::pricing::price_lines(db, distributor, today, &priced, &["input"], &|i| {
            line_field(i, "sku")
        })
        .await?;
    let currency = prices
        .first()
        .map(|p| p.currency)
        .ok_or_else(|| Error::Internal("lines without prices".into()))?;
    let id = Uuid::now_v7();
    let mut rows = Vec::with_capacity(new.lines.len());
    for (i, ((asked, (product, quantity)), price)) in
        new.lines.iter().zip(&priced).zip(&prices).enumerate()
    {
        if price.currency != currency {
            return Err(Error::user(
                &at(&line_field(i, "sku")),
                ErrorCode::NotAllowed,
                format!(
                    "{} is priced in {}, the agreement's other products in {}",
                    product.sku,
                    price.currency.code(),
                    currency.code()
                ),
            ));
        }
        let tier = price.unit_price;
        let (requested_price, requested_discount, net) = match asked.asked {
            Asked::Price(p) => (Some(p), None, p),
            Asked::Discount(d) => (None, Some(d), discounted(tier, d)),
        };
        if net >= tier {
            let field = match asked.asked {
                Asked::Price(_) => "netPrice",
                Asked::Discount(_) => "discountPercent",
            };
            return Err(Error::user(
                &at(&line_field(i, field)),
                ErrorCode::OutOfRange,
                format!(
                    "{net} is not below your own price for {} of {tier} {}",
                    product.sku,
                    currency.code()
                ),
            ));
        }
        if net <= Decimal::ZERO {
            return Err(Error::user(
                &at(&line_field(i, "discountPercent")),
                ErrorCode::OutOfRange,
                "the discount leaves no price",
            ));
        }
        rows.push(line::Model {
            id: Uuid::now_v7(),
            special_price_id: id,
            line_number: i as i32 + 1,
            product_id: product.id,
            quantity: (*quantity).into(),
            tier_price: tier.into(),
            requested_price: requested_price.map(Into::into),
            requested_discount: requested_discount.map(Into::into),
            authorized_price: None,
            quantity_cap: None,
            consumed_quantity: Decimal::ZERO.into(),
        });
    }
    let moment = now();
    let header = special_price::ActiveModel {
        id: Set(id),
        number: Set(None),
        distributor_id: Set(distributor),
        end_customer_id: Set(customer.id),
        deal_registration_id: Set(new.deal_registration_id),
        status: Set(SpecialPriceStatus::Requested),
        currency: Set(currency.code().to_owned()),
        valid_from: Set(new.valid_from),
        valid_until: Set(new.valid_until),
        note: Set(new.note),
        requested_by: Set(principal.user_id()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        created_at: Set(moment),
        updated_at: Set(moment),
        version: Set(1),
    };
    let created =
        crate::changes::create::<Entity>(db, principal, Action::SpecialPriceRequest, header)
            .await?;
    // Written as built: nothing is read back.
    Lines::insert_many(
        rows.iter()
            .map(|row| line::ActiveModel::from(row.clone()).reset_all()),
    )
    .exec_without_returning(db)
    .await?;
    let lines = rows;
    announce(
        db,
        EventType::SpecialPriceRequested,
        &created,
        &lines,
        &customer.code,
    )
    .await?;
    Ok((created, lines))
}

async fn lines_of_one(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<line::Model>> {
    Ok(Lines::find()
        .filter(line::Column::SpecialPriceId.eq(id))
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?)
}

/// The event of a step, for the distributor (and the brand's staff and endpoints).
async fn announce(
    db: &impl ConnectionTrait,
    event_type: EventType,
    agreement: &special_price::Model,
    lines: &[line::Model],
    customer_code: &str,
) -> Result<()> {
    let products: HashMap<Uuid, String> = product::Entity::find()
        .filter(product::Column::Id.is_in(lines.iter().map(|l| l.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.sku))
        .collect();
    let currency = agreement.currency.as_str();
    let amount = |v: Option<entity::fixed::Fixed>| {
        v.map(|v| json!({ "amount": crate::money::shown(stored(v), currency).to_string(), "currency": currency }))
    };
    let data = json!({
        "specialPrice": {
            "id": events::gid(NodeType::SpecialPrice, agreement.id),
            "number": agreement.number,
            "status": sea_orm::ActiveEnum::to_value(&agreement.status),
            "validFrom": agreement.valid_from.to_string(),
            "validUntil": agreement.valid_until.to_string(),
            "decisionNote": agreement.decision_note,
        },
        "distributorId": events::gid(NodeType::Organization, agreement.distributor_id),
        "endCustomer": {
            "id": events::gid(NodeType::Organization, agreement.end_customer_id),
            "code": customer_code,
        },
        "lines": lines.iter().map(|l| json!({
            "lineNumber": l.line_number,
            "sku": products.get(&l.product_id),
            "quantity": stored(l.quantity).normalize().to_string(),
            "authorizedPrice": amount(l.authorized_price),
            "quantityCap": l.quantity_cap.map(|q| stored(q).normalize().to_string()),
        })).collect::<Vec<_>>(),
    });
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: agreement.id,
            order_id: None,
            audience: vec![agreement.distributor_id],
            data,
        },
    )
    .await?;
    Ok(())
}

async fn customer_code(db: &impl ConnectionTrait, id: Uuid) -> Result<String> {
    Ok(entity::organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.code)
        .unwrap_or_default())
}

fn not_waiting(agreement: &special_price::Model) -> Error {
    Error::user(
        &["input", "id"],
        ErrorCode::IllegalTransition,
        format!(
            "the special price is {}; only a requested one is decided",
            sea_orm::ActiveEnum::to_value(&agreement.status).to_lowercase()
        ),
    )
}

/// The brand authorises a special price: its admins and managers. Each line gets the price
/// and cap named for it, or what was asked: the net price (or the tier price less the
/// discount) and the quantity. The agreement gets its authorisation number.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    trade: &TradeSettings,
    id: Uuid,
    version: i32,
    approval: Approval,
) -> Result<(special_price::Model, Vec<line::Model>)> {
    principal.ensure_can_manage_catalog()?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != SpecialPriceStatus::Requested {
        return Err(not_waiting(&current));
    }
    let valid_until = approval.valid_until.unwrap_or(current.valid_until);
    if approval.valid_until.is_some() {
        check_dates(
            current.valid_from,
            valid_until,
            crm.today(),
            &["input", "validUntil"],
        )?;
    }
    let lines = lines_of_one(db, id).await?;
    for (i, named) in approval.lines.iter().enumerate() {
        let field = |name: &str| {
            vec![
                "input".to_owned(),
                "lines".into(),
                i.to_string(),
                name.into(),
            ]
        };
        if approval.lines[..i]
            .iter()
            .any(|l| l.line_number == named.line_number)
        {
            return Err(Error::user(
                &at(&field("lineNumber")),
                ErrorCode::Duplicate,
                format!("line {} is named twice", named.line_number),
            ));
        }
        let Some(held) = lines.iter().find(|l| l.line_number == named.line_number) else {
            return Err(Error::user(
                &at(&field("lineNumber")),
                ErrorCode::NotFound,
                format!("the special price has no line {}", named.line_number),
            ));
        };
        if let Some(price) = named.price {
            crate::money::unit_price(&at(&field("price")), price, trade.max_amount)?;
            if price >= stored(held.tier_price) {
                return Err(Error::user(
                    &at(&field("price")),
                    ErrorCode::OutOfRange,
                    format!(
                        "{price} is not below the distributor's own price of {} {}",
                        stored(held.tier_price).normalize(),
                        current.currency
                    ),
                ));
            }
        }
        if let Some(cap) = named.quantity_cap {
            crate::money::quantity(&at(&field("quantityCap")), cap, trade.max_quantity)?;
            // The tier price it was checked against is the one for the quantity asked.
            if cap > stored(held.quantity) {
                return Err(Error::user(
                    &at(&field("quantityCap")),
                    ErrorCode::OutOfRange,
                    format!(
                        "{cap} is more than the {} asked for; the distributor asks again for more",
                        stored(held.quantity).normalize()
                    ),
                ));
            }
        }
    }
    let mut decided = Vec::with_capacity(lines.len());
    for held in lines {
        let named = approval
            .lines
            .iter()
            .find(|l| l.line_number == held.line_number);
        let asked = match (held.requested_price, held.requested_discount) {
            (Some(price), _) => stored(price),
            (None, Some(percent)) => discounted(stored(held.tier_price), stored(percent)),
            (None, None) => stored(held.tier_price),
        };
        let price = named.and_then(|n| n.price).unwrap_or(asked);
        let cap = named
            .and_then(|n| n.quantity_cap)
            .unwrap_or(stored(held.quantity));
        let mut row: line::ActiveModel = held.into();
        row.authorized_price = Set(Some(price.into()));
        row.quantity_cap = Set(Some(cap.into()));
        decided.push(row.update(db).await?);
    }
    let number = format!("SPA-{:06}", crate::orders::counters::next(db, "SPA").await?);
    let before = current.clone();
    let mut row: special_price::ActiveModel = current.into();
    row.status = Set(SpecialPriceStatus::Approved);
    row.number = Set(Some(number));
    row.valid_until = Set(valid_until);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(approval.note);
    let saved =
        crate::changes::save::<Entity>(db, principal, Action::SpecialPriceApprove, &before, row)
            .await?;
    let code = customer_code(db, saved.end_customer_id).await?;
    announce(db, EventType::SpecialPriceApproved, &saved, &decided, &code).await?;
    crate::edi::outbound::price_authorized(db, &saved, &decided).await?;
    Ok((saved, decided))
}

/// The brand refuses a special price, with the reason: its admins and managers.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<(special_price::Model, Vec<line::Model>)> {
    principal.ensure_can_manage_catalog()?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != SpecialPriceStatus::Requested {
        return Err(not_waiting(&current));
    }
    let before = current.clone();
    let mut row: special_price::ActiveModel = current.into();
    row.status = Set(SpecialPriceStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(Some(reason));
    let saved =
        crate::changes::save::<Entity>(db, principal, Action::SpecialPriceReject, &before, row)
            .await?;
    let lines = lines_of_one(db, id).await?;
    let code = customer_code(db, saved.end_customer_id).await?;
    announce(db, EventType::SpecialPriceRejected, &saved, &lines, &code).await?;
    Ok((saved, lines))
}

/// The agreements a principal sees: every one for staff; its own company's for a
/// distributor, by its roles' reach over deals (sales people their own requests).
fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(Column::DistributorId))
        .add(principal.within_reach(Records::Leads, Column::RequestedBy))
}

/// Which agreements a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SpecialPriceFilter {
    pub distributor_id: Option<Uuid>,
    pub end_customer_id: Option<Uuid>,
    pub status: Option<SpecialPriceStatus>,
    /// Only those that may be used on this day: approved and within their validity.
    pub usable_on: Option<NaiveDate>,
}

fn agreements(
    principal: &Principal,
    filter: &SpecialPriceFilter,
) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_crm()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(org) = filter.distributor_id {
        query = query.filter(Column::DistributorId.eq(org));
    }
    if let Some(org) = filter.end_customer_id {
        query = query.filter(Column::EndCustomerId.eq(org));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    if let Some(day) = filter.usable_on {
        query = query
            .filter(Column::Status.eq(SpecialPriceStatus::Approved))
            .filter(Column::ValidFrom.lte(day))
            .filter(Column::ValidUntil.gte(day));
    }
    Ok(query)
}

/// Agreements, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &SpecialPriceFilter,
    page: &PageRequest,
) -> Result<Page<special_price::Model>> {
    store::page_of(
        db,
        agreements(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &SpecialPriceFilter,
) -> Result<u64> {
    Ok(agreements(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, special_price::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The agreements among `ids` the principal sees; none for one that reads no CRM records
/// (an order's reader that does not follow leads).
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, special_price::Model>> {
    if principal.ensure_can_read_crm().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The lines of agreements the principal sees, by line number.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<line::Model>>> {
    principal.ensure_can_read_crm()?;
    let seen = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal))
        .into_query();
    let rows = Lines::find()
        .filter(line::Column::SpecialPriceId.in_subquery(seen))
        .order_by_asc(line::Column::SpecialPriceId)
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |l| l.special_price_id))
}

impl Recorded for Entity {
    fn id_of(model: &special_price::Model) -> Uuid {
        model.id
    }
}
