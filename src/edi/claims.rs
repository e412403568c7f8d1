//! Inbound 844 product transfer account adjustments: a distributor's ship-and-debit claim,
//! filed through `claimSubmit`'s service and checked line by line as a portal claim is. The
//! decision goes back as an 849 (see [`super::outbound::claim_answered`]).
//!
//! Read segment by segment (`x12-types` has no 844). What is read:
//! - the debit number: BAA05 (with BAA04 its qualifier, whatever it is), or else a heading
//!   REF `DM` (debit memo), `CB` (chargeback) or `ZZ`;
//! - the special price: CON02 of the one CON loop. An N1 `EN`, `BY`, `ST` or `SO` in it, when
//!   it names the end customer by code (N103 `91`, `92` or `ZZ`), must name the agreement's;
//! - each PAD loop is one sale: LIN the product (`VP` or `VN`), UIT02 the unit cost paid,
//!   QTY02 the units (QTY01 `39`, `32`, `38` or `D1`, or the only QTY), REF `IV` (or `IN`)
//!   the distributor's invoice to the end customer, DTM `003` (invoice) or `011` (shipped)
//!   the day sold.
//!
//! What the distributor works out itself (the authorised cost in a second UIT, AMT, CTT) is
//! not read: the claim's amounts are worked out from the agreement, and the 849 says them.

use chrono::NaiveDate;
use entity::enums::ClaimSource;
use entity::organization;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::envelope::{Segment, TransactionSet};
use super::mapping::{Applied, Failure, anchor, failure, id_element, line_index, refuse};
use crate::access::Principal;
use crate::channel_money::claims::{self, NewClaim, NewClaimLine};
use crate::settings::TradeSettings;

const DEBIT_REFS: [&str; 3] = ["DM", "CB", "ZZ"];
const CUSTOMERS: [&str; 4] = ["EN", "BY", "ST", "SO"];
const CODES: [&str; 3] = ["91", "92", "ZZ"];
const QUANTITIES: [&str; 4] = ["39", "32", "38", "D1"];

/// One PAD loop: its segments.
struct Sale {
    pad: Segment,
    lin: Option<Segment>,
    uit: Option<Segment>,
    qty: Vec<Segment>,
    invoice: Option<Segment>,
    day: Option<Segment>,
}

impl Sale {
    fn new(pad: &Segment) -> Self {
        Sale {
            pad: pad.clone(),
            lin: None,
            uit: None,
            qty: Vec::new(),
            invoice: None,
            day: None,
        }
    }

    /// A segment of the PAD loop.
    fn take(&mut self, s: &Segment) {
        let slot = match s.id.as_str() {
            "LIN" => &mut self.lin,
            "UIT" => &mut self.uit,
            "QTY" => {
                self.qty.push(s.clone());
                return;
            }
            "REF" if matches!(s.element(1), "IV" | "IN") => &mut self.invoice,
            // The invoice's day over the shipment's.
            "DTM" if s.element(1) == "003" => {
                self.day = Some(s.clone());
                return;
            }
            "DTM" if s.element(1) == "011" => &mut self.day,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(s.clone());
        }
    }

    /// The QTY holding the units.
    fn quantity(&self) -> Option<&Segment> {
        QUANTITIES
            .iter()
            .find_map(|code| self.qty.iter().find(|q| q.element(1) == *code))
            .or_else(|| (self.qty.len() == 1).then(|| &self.qty[0]))
    }

    fn read(&self, i: usize, trade: &TradeSettings) -> Result<NewClaimLine, Failure> {
        let pad = &self.pad;
        let lin = self
            .lin
            .as_ref()
            .ok_or_else(|| refuse(pad, None, "name the product in a LIN after the PAD"))?;
        let sku = id_element(lin, 2, &["VP", "VN"]).ok_or_else(|| {
            refuse(
                lin,
                Some(3),
                "name the product by its SKU with qualifier VP or VN",
            )
        })?;
        let uit = self
            .uit
            .as_ref()
            .ok_or_else(|| refuse(pad, None, "give the unit cost you paid in a UIT (UIT02)"))?;
        let paid = number(uit, 2)?;
        let qty = self.quantity().ok_or_else(|| {
            refuse(
                pad,
                None,
                "give the units sold in a QTY with qualifier 39 (shipped)",
            )
        })?;
        let quantity = number(qty, 2)?;
        let invoice = self.invoice.as_ref().ok_or_else(|| {
            refuse(
                pad,
                None,
                "give your invoice to the end customer in a REF IV",
            )
        })?;
        let day = self.day.as_ref().ok_or_else(|| {
            refuse(
                pad,
                None,
                "give the day sold in a DTM 003 (invoice) or 011 (shipped)",
            )
        })?;
        let sold_on = NaiveDate::parse_from_str(day.element(2), "%Y%m%d").map_err(|_| {
            refuse(
                day,
                Some(2),
                format!("DTM02 `{}` is not a date (CCYYMMDD)", day.element(2)),
            )
        })?;
        NewClaimLine::checked(
            i,
            lin.element(sku),
            invoice.element(2),
            sold_on,
            quantity,
            paid,
            trade,
        )
        .map_err(|e| failure(e, |f| self.locate(f)))
    }

    /// The segment and element a field of this line came from.
    fn locate(&self, field: &[String]) -> (Segment, Option<usize>) {
        let at = |s: &Option<Segment>, element| match s {
            Some(s) => (s.clone(), Some(element)),
            None => (self.pad.clone(), None),
        };
        match field.get(3).map(String::as_str) {
            Some("sku") => match &self.lin {
                Some(lin) => (lin.clone(), id_element(lin, 2, &["VP", "VN"])),
                None => (self.pad.clone(), None),
            },
            Some("invoice") => at(&self.invoice, 2),
            Some("soldOn") => at(&self.day, 2),
            Some("quantity") => at(&self.quantity().cloned(), 2),
            Some("paidCost") => at(&self.uit, 2),
            _ => (self.pad.clone(), None),
        }
    }
}

fn number(segment: &Segment, element: usize) -> Result<Decimal, Failure> {
    super::sets::decimal(segment.element(element)).ok_or_else(|| {
        refuse(
            segment,
            Some(element),
            format!(
                "{}{element:02} `{}` is not a number",
                segment.id,
                segment.element(element)
            ),
        )
        .into()
    })
}

/// The 844's parts: the debit number and where it is, the CON, the end customer N1 and the sales.
struct Read {
    debit: Option<Segment>,
    con: Option<Segment>,
    customer: Option<Segment>,
    sales: Vec<Sale>,
}

fn read(set: &TransactionSet) -> Result<Read, Failure> {
    let mut read = Read {
        debit: None,
        con: None,
        customer: None,
        sales: Vec::new(),
    };
    for s in &set.body {
        let id = s.id.as_str();
        let in_con = read.con.is_some();
        match id {
            "BAA" if !s.element(5).trim().is_empty() => read.debit = Some(s.clone()),
            "REF" if !in_con && read.debit.is_none() && DEBIT_REFS.contains(&s.element(1)) => {
                read.debit = Some(s.clone());
            }
            "CON" if in_con => {
                return Err(refuse(
                    s,
                    None,
                    "an 844 here claims under one special price: send one set per CON",
                )
                .into());
            }
            "CON" => read.con = Some(s.clone()),
            "PAD" if in_con => read.sales.push(Sale::new(s)),
            "PAD" => {
                return Err(
                    refuse(s, None, "a PAD loop is inside the CON loop it claims under").into(),
                );
            }
            "N1" if in_con && read.sales.is_empty() && CUSTOMERS.contains(&s.element(1)) => {
                if read.customer.is_none() || s.element(1) == "EN" {
                    read.customer = Some(s.clone());
                }
            }
            _ => {
                if let Some(sale) = read.sales.last_mut() {
                    sale.take(s);
                }
            }
        }
    }
    Ok(read)
}

/// Files an 844 from `distributor` as a claim.
pub async fn claim(
    db: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    distributor: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<Applied, Failure> {
    if let Some(too_many) = super::sets::over_line_limit(set) {
        return Err(too_many.into());
    }
    let baa = anchor(set, "BAA");
    let read = read(set)?;
    let debit = read.debit.as_ref().ok_or_else(|| {
        refuse(
            &baa,
            Some(5),
            "give your debit number in BAA05 (or a REF DM)",
        )
    })?;
    let (debit_element, reference) = if debit.id == "BAA" {
        (5, debit.element(5))
    } else {
        (2, debit.element(2))
    };
    let con = read.con.as_ref().ok_or_else(|| {
        refuse(
            &baa,
            None,
            "name the special price claimed under in a CON (CON02)",
        )
    })?;
    if read.sales.is_empty() {
        return Err(refuse(
            con,
            None,
            "an 844 claims at least one sale, each in a PAD loop",
        )
        .into());
    }
    if let Some(n1) = &read.customer
        && CODES.contains(&n1.element(3))
    {
        check_customer(db, n1, distributor, con.element(2)).await?;
    }
    let located = |field: &[String]| -> (Segment, Option<usize>) {
        if let Some(i) = line_index(field) {
            return match read.sales.get(i) {
                Some(sale) => sale.locate(field),
                None => (con.clone(), None),
            };
        }
        match field.get(1).map(String::as_str) {
            Some("specialPrice") => (con.clone(), Some(2)),
            Some("reference") => (debit.clone(), Some(debit_element)),
            _ => (baa.clone(), None),
        }
    };
    let head = || -> crate::error::Result<(String, String)> {
        claims::check_line_count(read.sales.len())?;
        Ok((
            crate::domain::required_text(
                &["input", "specialPrice"],
                con.element(2),
                crate::channel_money::buying::NUMBER_MAX,
            )?,
            crate::domain::required_text(
                &["input", "reference"],
                reference,
                claims::REFERENCE_MAX,
            )?,
        ))
    };
    let (special_price, reference) = head().map_err(|e| failure(e, located))?;
    let lines = read
        .sales
        .iter()
        .enumerate()
        .map(|(i, sale)| sale.read(i, trade))
        .collect::<Result<Vec<_>, Failure>>()?;
    let new = NewClaim {
        distributor: Some(distributor.id),
        special_price,
        reference,
        source: ClaimSource::Edi,
        lines,
    };
    let (filed, _) = claims::submit(db, principal, new)
        .await
        .map_err(|e| failure(e, located))?;
    Ok(Applied {
        claim_id: Some(filed.id),
        reference: Some(filed.reference),
        ..Applied::default()
    })
}

/// An end customer the CON loop names must be the one the special price is for.
async fn check_customer(
    db: &impl sea_orm::ConnectionTrait,
    n1: &Segment,
    distributor: &organization::Model,
    number: &str,
) -> Result<(), Failure> {
    use entity::special_price;
    let code = n1.element(4).trim().to_uppercase();
    let agreement = special_price::Entity::find()
        .filter(special_price::Column::Number.eq(number.trim().to_uppercase()))
        .filter(special_price::Column::DistributorId.eq(distributor.id))
        .one(db)
        .await?;
    // An agreement that is not the distributor's is refused by the claim, as in the portal.
    let Some(agreement) = agreement else {
        return Ok(());
    };
    let customer = organization::Entity::find_by_id(agreement.end_customer_id)
        .one(db)
        .await?;
    if customer.is_some_and(|c| c.code != code) {
        return Err(refuse(
            n1,
            Some(4),
            format!(
                "N104 `{code}` is not the end customer special price {} is for",
                agreement.number.unwrap_or_default()
            ),
        )
        .into());
    }
    Ok(())
}
