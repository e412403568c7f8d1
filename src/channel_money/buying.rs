//! Buying at a special price. An order or a quote names an approved agreement by its
//! number, and the end customer it is for; the agreement's products are priced at the
//! authorised prices. What an order buys at them is drawn from the agreement's caps in the
//! order's transaction, one conditional statement for each of the agreement's lines, so
//! orders at the same instant never pass a cap together. A line cancelled or rejected, or
//! a quantity lowered, gives back what it drew.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{LineStatus, PriceSource, SpecialPriceStatus};
use entity::special_price::{self, Column, Entity};
use entity::special_price_line::{self as line, Entity as Lines};
use entity::{order_line, product};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::catalog::pricing::LinePrice;
use crate::error::{Error, ErrorCode, Result};
use crate::money::stored;

/// The longest authorisation number read.
pub const NUMBER_MAX: usize = 32;

/// Where the errors of a use point: the field that names the agreement, the one that names
/// the end customer, and each line's quantity.
pub struct Fields<'a> {
    pub number: &'a [&'a str],
    pub end_customer: &'a [&'a str],
    pub quantity: &'a (dyn Fn(usize) -> Vec<String> + Sync),
}

/// An agreement in force for a buyer, with its lines.
pub struct InForce {
    pub agreement: special_price::Model,
    pub lines: Vec<line::Model>,
}

/// The agreement numbered `number` that the brand authorised for `buyer`, in force on
/// `on`, for `end_customer`. Another distributor's agreement is not found, as one that
/// does not exist.
pub async fn in_force(
    db: &impl ConnectionTrait,
    number: &str,
    buyer: Uuid,
    end_customer: Option<Uuid>,
    on: NaiveDate,
    fields: &Fields<'_>,
) -> Result<InForce> {
    let number = number.trim().to_uppercase();
    let agreement = Entity::find()
        .filter(Column::Number.eq(&number))
        .filter(Column::DistributorId.eq(buyer))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                fields.number,
                ErrorCode::NotFound,
                format!("no special price {number} is authorised for this buyer"),
            )
        })?;
    if agreement.status != SpecialPriceStatus::Approved {
        return Err(Error::user(
            fields.number,
            ErrorCode::NotAllowed,
            format!(
                "{number} is {}; only an approved special price is used",
                sea_orm::ActiveEnum::to_value(&agreement.status).to_lowercase()
            ),
        ));
    }
    if on < agreement.valid_from {
        return Err(Error::user(
            fields.number,
            ErrorCode::NotAllowed,
            format!("{number} applies from {}", agreement.valid_from),
        ));
    }
    if on > agreement.valid_until {
        return Err(Error::user(
            fields.number,
            ErrorCode::Expired,
            format!("{number} ended on {}", agreement.valid_until),
        ));
    }
    match end_customer {
        None => {
            return Err(Error::user(
                fields.end_customer,
                ErrorCode::Required,
                format!("name the end customer {number} was authorised for"),
            ));
        }
        Some(named) if named != agreement.end_customer_id => {
            return Err(Error::user(
                fields.end_customer,
                ErrorCode::NotAllowed,
                format!("{number} was authorised for another end customer"),
            ));
        }
        Some(_) => {}
    }
    let lines = Lines::find()
        .filter(line::Column::SpecialPriceId.eq(agreement.id))
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?;
    Ok(InForce { agreement, lines })
}

/// An authorisation number as a client sends it: trimmed, in upper case; none when blank.
pub fn number(field: &[&str], value: Option<&str>) -> Result<Option<String>> {
    Ok(crate::domain::optional_text(field, value, NUMBER_MAX)?.map(|n| n.to_uppercase()))
}

/// How much of a line's cap is left.
pub fn left(line: &line::Model) -> Decimal {
    line.quantity_cap.map(stored).unwrap_or_default() - stored(line.consumed_quantity)
}

impl InForce {
    fn number(&self) -> &str {
        self.agreement.number.as_deref().unwrap_or_default()
    }

    /// The authorised line for a product.
    fn line_for(&self, product: Uuid) -> Option<&line::Model> {
        self.lines
            .iter()
            .find(|l| l.product_id == product && l.authorized_price.is_some())
    }

    /// Prices each `(product, quantity)` the agreement covers at its authorised price, in
    /// place of the price it had; answers each one's agreement line. Products it does not
    /// cover keep their price; an order of none of them is refused, and so is more than a
    /// cap has left.
    pub fn price(
        &self,
        lines: &[(&product::Model, Decimal)],
        prices: &mut [LinePrice],
        fields: &Fields<'_>,
    ) -> Result<Vec<Option<Uuid>>> {
        let number = self.number();
        let mut drawn: HashMap<Uuid, Decimal> = HashMap::new();
        let mut uses = Vec::with_capacity(lines.len());
        for (i, ((product, quantity), price)) in lines.iter().zip(prices.iter_mut()).enumerate() {
            let Some(covered) = self.line_for(product.id) else {
                uses.push(None);
                continue;
            };
            if price.currency.code() != self.agreement.currency {
                return Err(Error::user(
                    fields.number,
                    ErrorCode::CurrencyMismatch,
                    format!(
                        "{number} is in {}; the buyer's prices are in {}",
                        self.agreement.currency,
                        price.currency.code()
                    ),
                ));
            }
            let total = drawn.entry(covered.id).or_default();
            *total += *quantity;
            if *total > left(covered) {
                return Err(cap_passed(
                    &(fields.quantity)(i),
                    number,
                    product,
                    left(covered),
                ));
            }
            price.unit_price = covered.authorized_price.map(stored).unwrap_or_default();
            price.source = PriceSource::SpecialPrice;
            price.min_quantity = None;
            uses.push(Some(covered.id));
        }
        if uses.iter().all(Option::is_none) {
            return Err(Error::user(
                fields.number,
                ErrorCode::NotAllowed,
                format!("{number} covers none of the products named"),
            ));
        }
        Ok(uses)
    }

    /// Draws what an order's lines buy at the agreement's prices from its caps: one
    /// conditional statement for each agreement line, which moves only if the cap holds
    /// it. A cap that another order took first is named at the first line that drew on it.
    pub async fn draw(
        &self,
        db: &impl ConnectionTrait,
        lines: &[(&product::Model, Decimal)],
        uses: &[Option<Uuid>],
        fields: &Fields<'_>,
    ) -> Result<()> {
        let mut drawn: Vec<(Uuid, Decimal, usize)> = Vec::new();
        for (i, ((_, quantity), used)) in lines.iter().zip(uses).enumerate() {
            let Some(used) = used else { continue };
            match drawn.iter_mut().find(|(id, _, _)| id == used) {
                Some((_, total, _)) => *total += *quantity,
                None => drawn.push((*used, *quantity, i)),
            }
        }
        for (id, quantity, first) in drawn {
            if !move_consumed(db, id, quantity).await? {
                let now = Lines::find_by_id(id)
                    .one(db)
                    .await?
                    .ok_or_else(|| Error::Internal("a special price line vanished".into()))?;
                return Err(cap_passed(
                    &(fields.quantity)(first),
                    self.number(),
                    lines[first].0,
                    left(&now),
                ));
            }
        }
        Ok(())
    }
}

fn cap_passed(field: &[String], number: &str, product: &product::Model, left: Decimal) -> Error {
    let field: Vec<&str> = field.iter().map(String::as_str).collect();
    Error::user(
        &field,
        ErrorCode::OutOfRange,
        format!(
            "{number} has {} {} of {} left at its price",
            left.max(Decimal::ZERO).normalize(),
            crate::orders::submit::unit_code(product.unit),
            product.sku
        ),
    )
}

/// Moves a line's consumed quantity by `by`: a rise only where the cap holds it. Answers
/// whether it moved.
pub(crate) async fn move_consumed(
    db: &impl ConnectionTrait,
    id: Uuid,
    by: Decimal,
) -> Result<bool> {
    let units = entity::fixed::Fixed::from(by)
        .units()
        .ok_or_else(|| Error::Internal("a quantity is out of range".into()))?;
    let consumed = || Expr::col(line::Column::ConsumedQuantity);
    let mut update = Lines::update_many()
        .col_expr(line::Column::ConsumedQuantity, consumed().add(units))
        .filter(line::Column::Id.eq(id));
    if units > 0 {
        update = update.filter(
            consumed()
                .add(units)
                .lte(Expr::col(line::Column::QuantityCap)),
        );
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// What a line draws from its agreement line: nothing once cancelled or rejected; else the
/// accepted quantity, once there is one, or the quantity ordered.
fn drawn_by(line: &order_line::Model) -> Decimal {
    if matches!(line.status, LineStatus::Cancelled | LineStatus::Rejected) {
        return Decimal::ZERO;
    }
    stored(line.accepted_quantity.unwrap_or(line.quantity))
}

/// Follows a change of an order's lines from `before` to `after` (the same lines by id):
/// what they give back returns to the caps, and what they take more is drawn as an order
/// draws, refused (naming `field`) where a cap does not hold it.
pub async fn follow(
    db: &impl ConnectionTrait,
    before: &[order_line::Model],
    after: &[order_line::Model],
    field: &[&str],
) -> Result<()> {
    let mut moves: Vec<(Uuid, Decimal)> = Vec::new();
    for was in before {
        let (Some(used), Some(now)) = (
            was.special_price_line_id,
            after.iter().find(|l| l.id == was.id),
        ) else {
            continue;
        };
        let by = drawn_by(now) - drawn_by(was);
        if by.is_zero() {
            continue;
        }
        match moves.iter_mut().find(|(id, _)| *id == used) {
            Some((_, total)) => *total += by,
            None => moves.push((used, by)),
        }
    }
    // Give back first, so that a line lowered makes room for another raised.
    moves.sort_by_key(|(_, by)| *by);
    for (id, by) in moves {
        if by.is_zero() {
            continue;
        }
        if !move_consumed(db, id, by).await? {
            return Err(Error::user(
                field,
                ErrorCode::OutOfRange,
                "the change takes more at a special price than its cap has left",
            ));
        }
    }
    Ok(())
}
