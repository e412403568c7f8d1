//! Replenishment policies: how a distributor's stock of a product is kept, per distributor
//! and product.
//! - A tier's policy sets its partners' defaults, for every product or for one.
//! - A partner's policy overrides them, for every product or for one.
//! - Each field is taken from the narrowest policy that sets it: the partner's for the
//!   product, the partner's, the tier's for the product, the tier's, then the built-in
//!   default. The effective policy says where each field came from.
//!
//! The brand's admins and managers edit policies. A distributor reads its own and its tier's.

use std::collections::HashMap;

use chrono::Weekday;
use entity::enums::OrganizationKind;
use entity::replenishment_policy::{self as policy, Column, Entity, Model};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::access::Principal;
use crate::audit::{self, Action};
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::money::stored;
use crate::pagination::{Page, PageRequest};
use crate::store::{self, now};

/// The stock to aim for where no policy says: four weeks of demand.
pub const DEFAULT_TARGET_WEEKS: Decimal = Decimal::from_parts(4, 0, 0, false, 0);
/// The lead time where no policy says: a week.
pub const DEFAULT_LEAD_TIME_DAYS: i32 = 7;
/// The most weeks of supply a policy aims for.
pub const TARGET_WEEKS_MAX: i64 = 52;
/// The longest lead time a policy names.
pub const LEAD_TIME_DAYS_MAX: i32 = 365;

/// Whose policy it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A tier's partners' defaults.
    Tier(Uuid),
    /// One partner's.
    Partner(Uuid),
}

/// The key that keeps one policy per scope and product.
pub(crate) fn scope_key(scope: Scope, product: Option<Uuid>) -> String {
    let base = match scope {
        Scope::Tier(id) => format!("tier:{id}"),
        Scope::Partner(id) => format!("partner:{id}"),
    };
    match product {
        Some(p) => format!("{base}/product:{p}"),
        None => base,
    }
}

/// The fields a policy sets; each one left empty comes from the wider scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub target_weeks: Option<Decimal>,
    pub min_quantity: Option<Decimal>,
    pub max_quantity: Option<Decimal>,
    pub order_multiple: Option<Decimal>,
    pub lead_time_days: Option<i32>,
    pub review_days: Option<Vec<Weekday>>,
}

impl Fields {
    /// Checks each field, naming it under `input`.
    pub fn checked(self, max_quantity: Decimal) -> Result<Self> {
        if let Some(weeks) = self.target_weeks
            && (weeks <= Decimal::ZERO
                || weeks > Decimal::from(TARGET_WEEKS_MAX)
                || weeks.normalize().scale() > 2)
        {
            return Err(Error::user(
                &["input", "targetWeeks"],
                ErrorCode::OutOfRange,
                format!(
                    "weeks of supply above 0, at most {TARGET_WEEKS_MAX}, with at most two decimals"
                ),
            ));
        }
        if let Some(min) = self.min_quantity {
            crate::money::count(&["input", "minQuantity"], min, max_quantity)?;
        }
        if let Some(max) = self.max_quantity {
            crate::money::quantity(&["input", "maxQuantity"], max, max_quantity)?;
        }
        if let (Some(min), Some(max)) = (self.min_quantity, self.max_quantity)
            && max < min
        {
            return Err(Error::user(
                &["input", "maxQuantity"],
                ErrorCode::Invalid,
                "the most to order is at least the least",
            ));
        }
        if let Some(multiple) = self.order_multiple {
            crate::money::quantity(&["input", "orderMultiple"], multiple, max_quantity)?;
        }
        if let Some(days) = self.lead_time_days
            && !(0..=LEAD_TIME_DAYS_MAX).contains(&days)
        {
            return Err(Error::user(
                &["input", "leadTimeDays"],
                ErrorCode::OutOfRange,
                format!("from 0 to {LEAD_TIME_DAYS_MAX} days"),
            ));
        }
        if let Some(days) = &self.review_days {
            if days.is_empty() {
                return Err(Error::user(
                    &["input", "reviewDays"],
                    ErrorCode::Invalid,
                    "at least one weekday, or leave it out to take the wider scope's",
                ));
            }
            if let Some(i) = (1..days.len()).find(|&i| days[..i].contains(&days[i])) {
                return Err(Error::user(
                    &["input", "reviewDays", &i.to_string()],
                    ErrorCode::Invalid,
                    "each weekday once",
                ));
            }
        }
        if self == Fields::default() {
            return Err(Error::user(
                &["input"],
                ErrorCode::Required,
                "a policy sets at least one field",
            ));
        }
        Ok(self)
    }

    pub fn of(row: &Model) -> Fields {
        Fields {
            target_weeks: row.target_weeks.map(stored),
            min_quantity: row.min_quantity.map(stored),
            max_quantity: row.max_quantity.map(stored),
            order_multiple: row.order_multiple.map(stored),
            lead_time_days: row.lead_time_days,
            review_days: row.review_days.as_deref().map(weekdays),
        }
    }

    /// These fields over `base`: each one set here replaces base's.
    pub fn over(&self, base: &Fields) -> Fields {
        Fields {
            target_weeks: self.target_weeks.or(base.target_weeks),
            min_quantity: self.min_quantity.or(base.min_quantity),
            max_quantity: self.max_quantity.or(base.max_quantity),
            order_multiple: self.order_multiple.or(base.order_multiple),
            lead_time_days: self.lead_time_days.or(base.lead_time_days),
            review_days: self
                .review_days
                .clone()
                .or_else(|| base.review_days.clone()),
        }
    }

    fn write(&self, row: &mut policy::ActiveModel) {
        row.target_weeks = Set(self.target_weeks.map(Into::into));
        row.min_quantity = Set(self.min_quantity.map(Into::into));
        row.max_quantity = Set(self.max_quantity.map(Into::into));
        row.order_multiple = Set(self.order_multiple.map(Into::into));
        row.lead_time_days = Set(self.lead_time_days);
        row.review_days = Set(self.review_days.as_deref().map(weekday_list));
    }
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "MON"),
    (Weekday::Tue, "TUE"),
    (Weekday::Wed, "WED"),
    (Weekday::Thu, "THU"),
    (Weekday::Fri, "FRI"),
    (Weekday::Sat, "SAT"),
    (Weekday::Sun, "SUN"),
];

/// `MON,THU`, Monday first, each day once.
pub(crate) fn weekday_list(days: &[Weekday]) -> String {
    WEEKDAYS
        .iter()
        .filter(|(d, _)| days.contains(d))
        .map(|(_, code)| *code)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn weekdays(stored: &str) -> Vec<Weekday> {
    WEEKDAYS
        .iter()
        .filter(|(_, code)| stored.split(',').any(|s| s == *code))
        .map(|(d, _)| *d)
        .collect()
}

/// A new policy as the brand sets it.
#[derive(Clone, Debug)]
pub struct NewPolicy {
    pub scope: Scope,
    pub product: Option<Uuid>,
    pub fields: Fields,
}

pub(crate) fn ensure_sets_policies(principal: &Principal) -> Result<()> {
    principal.ensure_runs_program().map_err(|e| match e {
        Error::Forbidden(_) => Error::Forbidden(
            "replenishment policies are set by the brand's admins and managers".into(),
        ),
        other => other,
    })
}

/// A distributor in the directory, or why not.
pub(crate) async fn distributor(db: &impl ConnectionTrait, id: Uuid, field: &[&str]) -> Result<()> {
    let found = entity::organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|o| o.archived_at.is_none())
        .ok_or_else(|| Error::user(field, ErrorCode::NotFound, "no such distributor"))?;
    if found.kind != OrganizationKind::Distributor {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            "replenishment is planned for distributors",
        ));
    }
    Ok(())
}

/// The brand sets a policy for a scope that has none.
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewPolicy,
) -> Result<Model> {
    ensure_sets_policies(principal)?;
    match new.scope {
        Scope::Tier(tier) => {
            entity::partner_tier::Entity::find_by_id(tier)
                .one(db)
                .await?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "tierId"],
                        ErrorCode::NotFound,
                        "no such partner tier",
                    )
                })?;
        }
        Scope::Partner(partner) => distributor(db, partner, &["input", "partnerId"]).await?,
    }
    if let Some(product) = new.product {
        entity::product::Entity::find_by_id(product)
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::user(
                    &["input", "productId"],
                    ErrorCode::NotFound,
                    "no such product",
                )
            })?;
    }
    let at = now();
    let (tier_id, partner_id) = match new.scope {
        Scope::Tier(t) => (Some(t), None),
        Scope::Partner(p) => (None, Some(p)),
    };
    let mut row = policy::ActiveModel {
        id: Set(Uuid::now_v7()),
        scope: Set(scope_key(new.scope, new.product)),
        tier_id: Set(tier_id),
        partner_id: Set(partner_id),
        product_id: Set(new.product),
        created_by: Set(principal.user_id()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    new.fields.write(&mut row);
    let created = row.insert(db).await.map_err(|e| match Error::from(e) {
        e if e.unique_violation().is_some() => Error::user(
            &["input"],
            ErrorCode::Conflict,
            "this scope has a policy already: change that one",
        ),
        e => e,
    })?;
    crate::changes::recorded::<Entity>(
        db,
        principal,
        Action::ReplenishmentPolicyCreate,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

/// The brand replaces a policy's fields: each one left out comes from the wider scope.
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    fields: Fields,
) -> Result<Model> {
    ensure_sets_policies(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    let mut row: policy::ActiveModel = current.into();
    fields.write(&mut row);
    crate::changes::save::<Entity>(
        db,
        principal,
        Action::ReplenishmentPolicyUpdate,
        &before,
        row,
    )
    .await
}

/// The brand removes a policy: its scope takes the wider scope's again.
pub async fn delete(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<Model> {
    ensure_sets_policies(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    Entity::delete_by_id(id).exec(db).await?;
    audit::record(
        db,
        principal,
        Action::ReplenishmentPolicyDelete,
        Some(id),
        Some(&current),
        None,
    )
    .await?;
    Ok(current)
}

/// A distributor's proposed fields, accepted: set over its policy for the scope, which is
/// made where there is none. Locks the policy's row while it changes.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner: Uuid,
    product: Option<Uuid>,
    proposed: &Fields,
) -> Result<Model> {
    let scope = scope_key(Scope::Partner(partner), product);
    let current = Entity::find()
        .filter(Column::Scope.eq(scope.clone()))
        .lock_exclusive()
        .one(db)
        .await?;
    let Some(current) = current else {
        return create(
            db,
            principal,
            NewPolicy {
                scope: Scope::Partner(partner),
                product,
                fields: proposed.clone(),
            },
        )
        .await;
    };
    let merged = proposed.over(&Fields::of(&current));
    if let (Some(min), Some(max)) = (merged.min_quantity, merged.max_quantity)
        && max < min
    {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Conflict,
            format!(
                "with the policy as it is, the most to order ({max}) would be below the least ({min})"
            ),
        ));
    }
    let before = current.clone();
    let mut row: policy::ActiveModel = current.into();
    merged.write(&mut row);
    crate::changes::save::<Entity>(
        db,
        principal,
        Action::ReplenishmentPolicyUpdate,
        &before,
        row,
    )
    .await
}

/// Where an effective field came from, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    PartnerProduct,
    Partner,
    TierProduct,
    Tier,
    Default,
}

/// One field of an effective policy and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub level: Level,
    /// The policy that set it; none for the built-in default.
    pub policy: Option<Uuid>,
}

/// The policy a distributor's stock of a product is kept by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective {
    pub distributor: Uuid,
    pub product: Uuid,
    pub target_weeks: Sourced<Decimal>,
    pub min_quantity: Sourced<Decimal>,
    /// None: no most.
    pub max_quantity: Sourced<Option<Decimal>>,
    pub order_multiple: Sourced<Decimal>,
    pub lead_time_days: Sourced<i32>,
    pub review_days: Sourced<Vec<Weekday>>,
}

/// The effective policies of `distributor` for `products`, from its own and its current
/// tier's policies, read in one statement.
pub async fn effective(
    db: &impl ConnectionTrait,
    distributor: Uuid,
    products: &[Uuid],
) -> Result<HashMap<Uuid, Effective>> {
    let owners = Condition::any()
        .add(Column::PartnerId.eq(distributor))
        .add(Column::TierId.in_subquery(crate::catalog::pricing::current_tier(distributor)));
    let rows = Entity::find()
        .filter(owners)
        .filter(
            Condition::any()
                .add(Column::ProductId.is_null())
                .add(Column::ProductId.is_in(products.iter().copied())),
        )
        .all(db)
        .await?;
    Ok(products
        .iter()
        .map(|product| (*product, merge(distributor, *product, &rows)))
        .collect())
}

/// Each field from the narrowest of `rows` that sets it for `product`.
fn merge(distributor: Uuid, product: Uuid, rows: &[Model]) -> Effective {
    let level = |row: &Model| match (row.partner_id.is_some(), row.product_id.is_some()) {
        (true, true) => Level::PartnerProduct,
        (true, false) => Level::Partner,
        (false, true) => Level::TierProduct,
        (false, false) => Level::Tier,
    };
    let mut chain: Vec<(Level, Uuid, Fields)> = rows
        .iter()
        .filter(|r| r.product_id.is_none_or(|p| p == product))
        .map(|r| (level(r), r.id, Fields::of(r)))
        .collect();
    chain.sort_by_key(|(level, _, _)| *level as u8);
    fn pick<T: Clone>(
        chain: &[(Level, Uuid, Fields)],
        field: impl Fn(&Fields) -> Option<T>,
        default: T,
    ) -> Sourced<T> {
        chain
            .iter()
            .find_map(|(level, id, fields)| {
                field(fields).map(|value| Sourced {
                    value,
                    level: *level,
                    policy: Some(*id),
                })
            })
            .unwrap_or(Sourced {
                value: default,
                level: Level::Default,
                policy: None,
            })
    }
    let min_quantity = pick(&chain, |f| f.min_quantity, Decimal::ZERO);
    let mut max_quantity = pick(&chain, |f| f.max_quantity.map(Some), None);
    // Set at different scopes, the most may fall below the least: the least wins, and the
    // most says where it came from.
    if let Some(max) = max_quantity.value
        && max < min_quantity.value
    {
        max_quantity = Sourced {
            value: Some(min_quantity.value),
            level: min_quantity.level,
            policy: min_quantity.policy,
        };
    }
    Effective {
        distributor,
        product,
        target_weeks: pick(&chain, |f| f.target_weeks, DEFAULT_TARGET_WEEKS),
        min_quantity,
        max_quantity,
        order_multiple: pick(&chain, |f| f.order_multiple, Decimal::ONE),
        lead_time_days: pick(&chain, |f| f.lead_time_days, DEFAULT_LEAD_TIME_DAYS),
        review_days: pick(&chain, |f| f.review_days.clone(), vec![Weekday::Mon]),
    }
}

/// The effective policy of a distributor's product as the principal may see it: a
/// distributor its own (`distributor` left out or its own); staff any distributor's.
pub async fn effective_for(
    db: &impl ConnectionTrait,
    principal: &Principal,
    distributor: Option<Uuid>,
    product: Uuid,
) -> Result<Option<Effective>> {
    let Some(distributor) = in_view(db, principal, distributor, product).await? else {
        return Ok(None);
    };
    Ok(effective(db, distributor, &[product])
        .await?
        .remove(&product))
}

/// The distributor whose plan for `product` the principal asks for, where it may see it: a
/// distributor its own (`named` left out or its own); staff any distributor's, named. None
/// for another's, or for what is not a distributor or a product it sees.
pub(crate) async fn in_view(
    db: &impl ConnectionTrait,
    principal: &Principal,
    distributor: Option<Uuid>,
    product: Uuid,
) -> Result<Option<Uuid>> {
    principal.ensure_can_read_orders()?;
    let Some(distributor) =
        own_or_named(principal, distributor, &["distributorId"], "distributor")?
    else {
        return Ok(None);
    };
    let is_distributor = entity::organization::Entity::find_by_id(distributor)
        .one(db)
        .await?
        .is_some_and(|o| o.kind == OrganizationKind::Distributor);
    let known = entity::product::Entity::find_by_id(product)
        .filter(principal.visible_products())
        .one(db)
        .await?
        .is_some();
    Ok((is_distributor && known).then_some(distributor))
}

/// The organization a principal asks about: a partner its own (`named` left out or its own;
/// none for another's); staff the one they name, which they must (`field`, naming `what`).
pub(crate) fn own_or_named(
    principal: &Principal,
    named: Option<Uuid>,
    field: &[&str],
    what: &str,
) -> Result<Option<Uuid>> {
    match (principal.is_restricted(), named) {
        (true, named) => Ok(principal
            .partner_organization()
            .filter(|own| named.is_none_or(|n| n == *own))),
        (false, Some(named)) => Ok(Some(named)),
        (false, None) => Err(Error::user(
            field,
            ErrorCode::Required,
            format!("name the {what}"),
        )),
    }
}

/// The policies a principal sees: staff all; a distributor its own and its current tier's.
fn visible(principal: &Principal) -> Condition {
    if !principal.is_restricted() {
        return Condition::all();
    }
    let Some(own) = principal.partner_organization() else {
        return Condition::all().add(Expr::val(false));
    };
    let tiers = crate::catalog::pricing::current_tier(own);
    Condition::any()
        .add(Column::PartnerId.eq(own))
        .add(Column::TierId.in_subquery(tiers))
}

/// Which policies a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub tier_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
}

fn policies(principal: &Principal, filter: &Filter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(tier) = filter.tier_id {
        query = query.filter(Column::TierId.eq(tier));
    }
    if let Some(partner) = filter.partner_id {
        query = query.filter(Column::PartnerId.eq(partner));
    }
    if let Some(product) = filter.product_id {
        query = query.filter(Column::ProductId.eq(product));
    }
    Ok(query)
}

/// Policies, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Model>> {
    store::page_of(
        db,
        policies(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
) -> Result<u64> {
    Ok(policies(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The policies among `ids` the principal sees: none for one that does not read them.
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

impl Recorded for Entity {
    fn id_of(model: &Model) -> Uuid {
        model.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(partner: bool, product: Option<Uuid>, fields: Fields) -> Model {
        let at = now();
        let mut m = Model {
            id: Uuid::now_v7(),
            scope: String::new(),
            tier_id: (!partner).then(Uuid::now_v7),
            partner_id: partner.then(Uuid::now_v7),
            product_id: product,
            target_weeks: None,
            min_quantity: None,
            max_quantity: None,
            order_multiple: None,
            lead_time_days: None,
            review_days: None,
            created_by: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        let mut active: policy::ActiveModel = m.clone().into();
        fields.write(&mut active);
        m.target_weeks = active.target_weeks.unwrap();
        m.min_quantity = active.min_quantity.unwrap();
        m.max_quantity = active.max_quantity.unwrap();
        m.order_multiple = active.order_multiple.unwrap();
        m.lead_time_days = active.lead_time_days.unwrap();
        m.review_days = active.review_days.unwrap();
        m
    }

    #[test]
    fn each_field_comes_from_the_narrowest_policy_that_sets_it() {
        let product = Uuid::now_v7();
        let other = Uuid::now_v7();
        let tier = row(
            false,
            None,
            Fields {
                target_weeks: Some(Decimal::from(6)),
                lead_time_days: Some(14),
                max_quantity: Some(Decimal::from(100)),
                ..Default::default()
            },
        );
        let partner_product = row(
            true,
            Some(product),
            Fields {
                order_multiple: Some(Decimal::from(12)),
                min_quantity: Some(Decimal::from(150)),
                review_days: Some(vec![Weekday::Thu, Weekday::Mon]),
                ..Default::default()
            },
        );
        let elsewhere = row(
            true,
            Some(other),
            Fields {
                target_weeks: Some(Decimal::ONE),
                ..Default::default()
            },
        );
        let rows = [tier.clone(), partner_product.clone(), elsewhere];
        let e = merge(Uuid::now_v7(), product, &rows);
        assert_eq!(
            (
                e.target_weeks.value,
                e.target_weeks.level,
                e.target_weeks.policy
            ),
            (Decimal::from(6), Level::Tier, Some(tier.id))
        );
        assert_eq!(e.lead_time_days.value, 14);
        assert_eq!(
            (e.order_multiple.value, e.order_multiple.level),
            (Decimal::from(12), Level::PartnerProduct)
        );
        assert_eq!(e.review_days.value, vec![Weekday::Mon, Weekday::Thu]);
        // The tier's most (100) is below the partner's least (150): the least wins, and says
        // so.
        assert_eq!(
            (e.max_quantity.value, e.max_quantity.level),
            (Some(Decimal::from(150)), Level::PartnerProduct)
        );
        let bare = merge(Uuid::now_v7(), other, &[]);
        assert_eq!(
            (
                bare.target_weeks.value,
                bare.target_weeks.level,
                bare.max_quantity.value
            ),
            (DEFAULT_TARGET_WEEKS, Level::Default, None)
        );
    }
}
