//! Inbound 850 purchase orders, applied as the domain's own draft ([`NewOrder`]) through
//! `orderSubmit`'s path, with the same checks and the same idempotency on the PO number. The
//! seller is the brand, or the seller in the channel the interchange was sent to (ISA08). The
//! partner's words are translated through its cross-references: items by any common
//! qualifier, units through the product's packs, and ship-tos by GLN, DUNS, its own location
//! codes, or name and address alone. BEG01 `01` cancels the order the PO number names. A
//! field the trade model refuses is reported at the segment and element it came from.

use std::collections::HashMap;

use entity::{
    address, edi_item_reference, edi_location_reference, order, organization, product, product_unit,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::envelope::{Segment, TransactionSet};
use super::mapping::{Applied, Failure, anchor, failure, first, line_index, nth, refuse};
use super::sets;
use crate::access::Principal;
use crate::domain::{gtin_forms, gtin14};
use crate::error::Error;
use crate::money::{self, Currency};
use crate::orders::model::{self, NewLine, NewOrder, OneTimeAddress, Pack, PartnerCode};
use crate::orders::{lifecycle, submit};
use crate::settings::TradeSettings;

type Outcome<T> = std::result::Result<T, Failure>;

/// Qualifiers that name an item by its GTIN, our SKU, or the partner's own code.
const BY_GTIN: [&str; 3] = ["UP", "EN", "UK"];
const BY_SKU: [&str; 3] = ["VP", "VN", "SK"];
/// The partner's own item codes, translated through its cross-reference.
pub const BY_REFERENCE: [&str; 3] = ["BP", "IN", "CB"];

fn lines(set: &TransactionSet) -> Vec<&Segment> {
    set.body.iter().filter(|s| s.id == "PO1").collect()
}

/// The (qualifier, id) pairs of a PO1, with the element of each id: PO106/PO107 to
/// PO124/PO125.
fn item_ids(po1: &Segment) -> Vec<(usize, String, String)> {
    (6..=24)
        .step_by(2)
        .filter_map(|q| {
            let qualifier = po1.element(q).trim();
            let id = po1.element(q + 1).trim();
            (!qualifier.is_empty() && !id.is_empty())
                .then(|| (q + 1, qualifier.to_uppercase(), id.to_owned()))
        })
        .collect()
}

/// The segment and element an input field of the order came from.
fn locate(set: &TransactionSet, field: &[String]) -> (Segment, Option<usize>) {
    let beg = anchor(set, "BEG");
    let at = |id: &str, element: usize| {
        first(set, id)
            .map(|s| (s.clone(), Some(element)))
            .unwrap_or_else(|| (beg.clone(), None))
    };
    if let Some(i) = line_index(field) {
        let Some(po1) = nth(set, "PO1", i) else {
            return (beg, None);
        };
        let element = match field.get(3).map(String::as_str) {
            Some("lineNumber") => Some(1),
            Some("quantity") => Some(2),
            Some("unit") => Some(3),
            Some("expectedUnitPrice") => Some(4),
            Some("sku") => item_ids(po1).first().map(|(e, _, _)| *e).or(Some(7)),
            Some("buyerPartNumber") => item_ids(po1)
                .into_iter()
                .find(|(_, q, _)| q == "BP")
                .map(|(e, _, _)| e),
            _ => None,
        };
        return (po1.clone(), element);
    }
    match field.get(1).map(String::as_str) {
        Some("poNumber") => (beg, Some(3)),
        Some("currency") => at("CUR", 2),
        Some("requestedDate") => at("DTM", 2),
        Some("shipToAddressId") => at("N1", 4),
        _ => (beg, None),
    }
}

/// An element's refusal as the trade model words it, at that element.
pub(super) fn at_element(segment: &Segment, element: usize) -> impl Fn(Error) -> Failure + '_ {
    move |e| match e {
        Error::User(u) => Failure::Refused(refuse(segment, Some(element), u.message)),
        other => Failure::Fault(other),
    }
}

/// What the partner's item ids resolve to.
pub(super) struct Catalogue {
    by_sku: HashMap<String, product::Model>,
    by_gtin: HashMap<String, product::Model>,
    /// A pack's GTIN: the product and the pack.
    packs_by_gtin: HashMap<String, (Uuid, product_unit::Model)>,
    by_reference: HashMap<(String, String), Uuid>,
    by_id: HashMap<Uuid, product::Model>,
    /// The packs of the resolved products, by product and unit.
    pub(super) packs: HashMap<(Uuid, String), product_unit::Model>,
}

impl Catalogue {
    /// Reads every product the set's lines may name, in as few statements as the lines need
    /// whatever their number: one when every line names the product by our SKU or its GTIN;
    /// the partner's cross-references, pack GTINs and packs only when a line needs them.
    pub(super) async fn of(
        db: &impl ConnectionTrait,
        principal: &Principal,
        partner: Uuid,
        po1s: &[&Segment],
    ) -> Outcome<Catalogue> {
        let mut catalogue = Catalogue {
            by_sku: HashMap::new(),
            by_gtin: HashMap::new(),
            packs_by_gtin: HashMap::new(),
            by_reference: HashMap::new(),
            by_id: HashMap::new(),
            packs: HashMap::new(),
        };
        let ids: Vec<Vec<(usize, String, String)>> = po1s.iter().map(|s| item_ids(s)).collect();
        let all = || ids.iter().flatten();
        let skus: Vec<String> = all()
            .filter(|(_, q, _)| BY_SKU.contains(&q.as_str()))
            .map(|(_, _, c)| c.to_uppercase())
            .collect();
        let gtins: Vec<String> = all()
            .filter(|(_, q, _)| BY_GTIN.contains(&q.as_str()))
            .flat_map(|(_, _, c)| gtin_forms(c))
            .collect();
        let mut any = Condition::any();
        if !skus.is_empty() {
            any = any.add(product::Column::Sku.is_in(skus));
        }
        if !gtins.is_empty() {
            any = any.add(product::Column::Gtin.is_in(gtins));
        }
        catalogue.add(db, principal, any).await?;

        // Lines whose first pair that may resolve is not known yet: a partner's own code, or
        // a GTIN that is no product's (a pack's, perhaps).
        let pending: Vec<&(usize, String, String)> = ids
            .iter()
            .filter_map(|pairs| {
                pairs.iter().find(|(_, q, c)| {
                    let q = q.as_str();
                    BY_REFERENCE.contains(&q)
                        || (BY_GTIN.contains(&q)
                            && gtin14(c).is_some_and(|g| !catalogue.by_gtin.contains_key(&g)))
                        || catalogue.known(q, c)
                })
            })
            .filter(|(_, q, c)| !catalogue.known(q, c))
            .collect();
        let codes: Vec<String> = pending
            .iter()
            .filter(|(_, q, _)| BY_REFERENCE.contains(&q.as_str()))
            .map(|(_, _, c)| c.clone())
            .collect();
        let pack_gtins: Vec<String> = pending
            .iter()
            .filter(|(_, q, _)| BY_GTIN.contains(&q.as_str()))
            .flat_map(|(_, _, c)| gtin_forms(c))
            .collect();
        let mut wanted: Vec<Uuid> = Vec::new();
        if !codes.is_empty() {
            let rows = edi_item_reference::Entity::find()
                .filter(edi_item_reference::Column::OrganizationId.eq(partner))
                .filter(edi_item_reference::Column::Code.is_in(codes))
                .all(db)
                .await?;
            for r in rows {
                wanted.push(r.product_id);
                catalogue
                    .by_reference
                    .insert((r.qualifier, r.code), r.product_id);
            }
        }
        if !pack_gtins.is_empty() {
            let rows = product_unit::Entity::find()
                .filter(product_unit::Column::Gtin.is_in(pack_gtins))
                .all(db)
                .await?;
            for pack in rows {
                if let Some(g) = pack.gtin.as_deref().and_then(gtin14) {
                    wanted.push(pack.product_id);
                    catalogue.packs_by_gtin.insert(g, (pack.product_id, pack));
                }
            }
        }
        wanted.retain(|id| !catalogue.by_id.contains_key(id));
        if !wanted.is_empty() {
            catalogue
                .add(
                    db,
                    principal,
                    Condition::all().add(product::Column::Id.is_in(wanted)),
                )
                .await?;
        }

        // The packs the lines are ordered in, when not the product's own unit.
        let own: Vec<String> = catalogue
            .by_id
            .values()
            .map(|p| crate::orders::submit::unit_code(p.unit))
            .collect();
        let units: Vec<String> = po1s
            .iter()
            .map(|s| s.element(3).trim().to_uppercase())
            .filter(|u| !u.is_empty() && !own.contains(u))
            .collect();
        if !units.is_empty() && !catalogue.by_id.is_empty() {
            let products: Vec<Uuid> = catalogue.by_id.keys().copied().collect();
            let rows = product_unit::Entity::find()
                .filter(product_unit::Column::ProductId.is_in(products))
                .filter(product_unit::Column::Unit.is_in(units))
                .all(db)
                .await?;
            for pack in rows {
                catalogue
                    .packs
                    .insert((pack.product_id, pack.unit.clone()), pack);
            }
        }
        Ok(catalogue)
    }

    /// Adds the products `which` names that the principal may see.
    async fn add(
        &mut self,
        db: &impl ConnectionTrait,
        principal: &Principal,
        which: Condition,
    ) -> Outcome<()> {
        if which.is_empty() {
            return Ok(());
        }
        let rows = product::Entity::find()
            .filter(which)
            .filter(principal.visible_products())
            .all(db)
            .await?;
        for p in rows {
            self.by_sku.insert(p.sku.clone(), p.clone());
            if let Some(g) = p.gtin.as_deref().and_then(gtin14) {
                self.by_gtin.insert(g, p.clone());
            }
            self.by_id.insert(p.id, p);
        }
        Ok(())
    }

    /// Whether a pair names a product already read by our SKU or its GTIN.
    fn known(&self, qualifier: &str, code: &str) -> bool {
        (BY_SKU.contains(&qualifier) && self.by_sku.contains_key(&code.to_uppercase()))
            || (BY_GTIN.contains(&qualifier)
                && gtin14(code).is_some_and(|g| self.by_gtin.contains_key(&g)))
    }

    /// The product a PO1 names, the id pair that named it, and the pack its GTIN names, if
    /// one does: the first pair that resolves wins.
    fn resolve(
        &self,
        po1: &Segment,
    ) -> Outcome<(product::Model, PartnerCode, Option<product_unit::Model>)> {
        let ids = item_ids(po1);
        for (_, qualifier, code) in &ids {
            let q = qualifier.as_str();
            let found = if BY_SKU.contains(&q) {
                self.by_sku.get(&code.to_uppercase()).map(|p| (p, None))
            } else if BY_GTIN.contains(&q) {
                gtin14(code).and_then(|g| {
                    self.by_gtin.get(&g).map(|p| (p, None)).or_else(|| {
                        self.packs_by_gtin.get(&g).and_then(|(id, pack)| {
                            self.by_id.get(id).map(|p| (p, Some(pack.clone())))
                        })
                    })
                })
            } else if BY_REFERENCE.contains(&q) {
                self.by_reference
                    .get(&(qualifier.clone(), code.clone()))
                    .and_then(|id| self.by_id.get(id))
                    .map(|p| (p, None))
            } else {
                None
            };
            if let Some((product, pack)) = found {
                let named = PartnerCode {
                    qualifier: qualifier.clone(),
                    code: code.clone(),
                };
                return Ok((product.clone(), named, pack));
            }
        }
        let Some((element, _, _)) = ids.first() else {
            return Err(refuse(
                po1,
                Some(7),
                "PO1 names no item: give a qualifier and id pair from PO106 (UP, EN, VP, BP, …)",
            )
            .into());
        };
        let tried: Vec<String> = ids.iter().map(|(_, q, c)| format!("{q} `{c}`")).collect();
        Err(refuse(
            po1,
            Some(*element),
            format!(
                "PO1{element:02}: no product is known by {}",
                tried.join(", ")
            ),
        )
        .into())
    }
}

/// A price a partner gives for `size` of our unit (a pack, or 1), as our price per unit;
/// refused at the segment's `element` when it is no price of ours.
pub(super) fn price_per_unit(
    segment: &Segment,
    element: usize,
    price: Decimal,
    size: Decimal,
    own_unit: &str,
    trade: &TradeSettings,
) -> Outcome<Decimal> {
    let name = format!("{}{element:02}", segment.id);
    let per_unit = price / size;
    if per_unit.normalize().scale() > 4 {
        return Err(refuse(
            segment,
            Some(element),
            if size == Decimal::ONE {
                format!("{name} `{price}`: a price has at most 4 decimals")
            } else {
                format!(
                    "{name} `{price}` is no price of ours: divided by the pack's {size}, the \
                     price per {own_unit} has more than 4 decimals"
                )
            },
        )
        .into());
    }
    money::unit_price(&[name.as_str()], per_unit, trade.max_amount)
        .map_err(at_element(segment, element))
}

/// A PO1 as a line of the draft.
pub(super) fn line(
    po1: &Segment,
    i: usize,
    catalogue: &Catalogue,
    trade: &TradeSettings,
) -> Outcome<NewLine> {
    let field = |name: &'static str| {
        [
            "input".to_owned(),
            "lines".into(),
            i.to_string(),
            name.into(),
        ]
    };
    let line_number = match po1.element(1).trim() {
        "" => None,
        n => Some(
            n.parse::<i32>()
                .map_err(|_| refuse(po1, Some(1), format!("PO101 `{n}` is not a line number")))?,
        ),
    };
    let line_number = model::line_number(
        &field("lineNumber").each_ref().map(String::as_str),
        i,
        line_number,
    )
    .map_err(at_element(po1, 1))?;
    let quantity: Decimal = po1
        .element(2)
        .trim()
        .parse()
        .map_err(|_| refuse(po1, Some(2), "PO102 must give the quantity as a number"))?;
    let (product, named, pack_of_gtin) = catalogue.resolve(po1)?;
    let unit = po1.element(3).trim().to_uppercase();
    let own_unit = crate::orders::submit::unit_code(product.unit);
    let pack = if unit.is_empty() || unit == own_unit {
        pack_of_gtin.filter(|p| unit.is_empty() || p.unit == unit)
    } else {
        let pack = catalogue
            .packs
            .get(&(product.id, unit.clone()))
            .cloned()
            .or(pack_of_gtin.filter(|p| p.unit == unit));
        Some(pack.ok_or_else(|| {
            refuse(
                po1,
                Some(3),
                format!(
                    "PO103 `{unit}`: {} is sold in {own_unit} and in no pack of that unit",
                    product.sku
                ),
            )
        })?)
    };
    let size = pack
        .as_ref()
        .map(|p| Decimal::from(p.quantity))
        .unwrap_or(Decimal::ONE);
    let quantity = money::quantity(
        &field("quantity").each_ref().map(String::as_str),
        quantity * size,
        trade.max_quantity,
    )
    .map_err(at_element(po1, 2))?;
    let expected_unit_price = match po1.element(4).trim() {
        "" => None,
        price => {
            let price: Decimal = price
                .parse()
                .map_err(|_| refuse(po1, Some(4), format!("PO104 `{price}` is not a price")))?;
            Some(price_per_unit(po1, 4, price, size, &own_unit, trade)?)
        }
    };
    let buyer_part_number = item_ids(po1)
        .into_iter()
        .find(|(_, q, _)| q == "BP")
        .map(|(e, _, code)| {
            crate::domain::optional_text(
                &field("buyerPartNumber").each_ref().map(String::as_str),
                Some(&code),
                48,
            )
            .map_err(at_element(po1, e))
        })
        .transpose()?
        .flatten();
    Ok(NewLine {
        line_number,
        sku: product.sku.clone(),
        quantity,
        unit: None,
        buyer_part_number,
        requested_date: None,
        expected_unit_price,
        item: Some(named),
        pack: pack.map(|p| Pack {
            unit: p.unit,
            size: p.quantity,
        }),
    })
}

/// The ship-to an 850 names: its N1*ST and the N2/N3/N4 that follow it.
struct ShipTo<'a> {
    n1: &'a Segment,
    rest: Vec<&'a Segment>,
}

fn ship_to_loop(set: &TransactionSet) -> Option<ShipTo<'_>> {
    let at = set
        .body
        .iter()
        .position(|s| s.id == "N1" && s.element(1) == "ST")?;
    let rest = set.body[at + 1..]
        .iter()
        .take_while(|s| matches!(s.id.as_str(), "N2" | "N3" | "N4" | "REF" | "PER" | "FOB"))
        .collect();
    Some(ShipTo {
        n1: &set.body[at],
        rest,
    })
}

fn text(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// The longest each element of a one-time address may be, as X12 defines it.
const ADDRESS_LENGTHS: [(&str, usize, usize); 9] = [
    ("N1", 2, 60),
    ("N2", 1, 60),
    ("N2", 2, 60),
    ("N3", 1, 55),
    ("N3", 2, 55),
    ("N4", 1, 30),
    ("N4", 2, 2),
    ("N4", 3, 15),
    ("N4", 4, 3),
];

/// The ship-to as a one-time address: N102 and N2 for the name, N3 for the street, N4 for
/// the place. An element longer than X12 allows is refused, never cut.
fn one_time(ship: &ShipTo<'_>) -> Outcome<OneTimeAddress> {
    for segment in std::iter::once(ship.n1).chain(ship.rest.iter().copied()) {
        for (id, n, most) in ADDRESS_LENGTHS {
            let length = segment.element(n).trim().chars().count();
            if segment.id == id && length > most {
                return Err(refuse(
                    segment,
                    Some(n),
                    format!("{id}{n:02} is {length} characters; X12 allows at most {most}"),
                )
                .into());
            }
        }
    }
    let of = |id: &str| ship.rest.iter().find(|s| s.id == id);
    let mut name: Vec<String> = text(ship.n1.element(2)).into_iter().collect();
    if let Some(n2) = of("N2") {
        name.extend(text(n2.element(1)));
        name.extend(text(n2.element(2)));
    }
    let street: Vec<String> = of("N3")
        .map(|n3| {
            [text(n3.element(1)), text(n3.element(2))]
                .into_iter()
                .flatten()
                .collect()
        })
        .unwrap_or_default();
    let n4 = of("N4");
    Ok(OneTimeAddress {
        name: (!name.is_empty()).then(|| name.join(", ")),
        street: (!street.is_empty()).then(|| street.join(", ")),
        city: n4.and_then(|s| text(s.element(1))),
        region: n4.and_then(|s| text(s.element(2))),
        postal_code: n4.and_then(|s| text(s.element(3))),
        country: n4.and_then(|s| text(s.element(4))),
    })
}

/// What the ship-to resolves to: an address of the buyer, or a one-time address, with the
/// code it was named by.
pub(super) async fn ship_to(
    db: &impl ConnectionTrait,
    set: &TransactionSet,
    buyer: &organization::Model,
) -> Outcome<(Option<Uuid>, Option<OneTimeAddress>, Option<PartnerCode>)> {
    let Some(ship) = ship_to_loop(set) else {
        return Ok((None, None, None));
    };
    let n1 = ship.n1;
    let qualifier = n1.element(3).trim().to_uppercase();
    let code = n1.element(4).trim().to_owned();
    if qualifier.is_empty() || code.is_empty() {
        return Ok((None, Some(one_time(&ship)?), None));
    }
    if code.chars().count() > 80 {
        return Err(refuse(
            n1,
            Some(4),
            "N104 is longer than the 80 characters X12 allows",
        )
        .into());
    }
    let named = PartnerCode {
        qualifier: qualifier.clone(),
        code: code.clone(),
    };
    let address_of = |column: address::Column, value: String| {
        address::Entity::find()
            .filter(address::Column::OrganizationId.eq(buyer.id))
            .filter(column.eq(value))
            .filter(address::Column::ArchivedAt.is_null())
    };
    let (found, kind) = match qualifier.as_str() {
        "UL" => (
            address_of(address::Column::Gln, code.clone())
                .one(db)
                .await?
                .map(|a| a.id),
            "GLN",
        ),
        "1" | "9" => {
            let digits: String = code.chars().filter(|c| *c != '-').collect();
            (
                address_of(address::Column::Duns, digits)
                    .one(db)
                    .await?
                    .map(|a| a.id),
                "DUNS",
            )
        }
        "91" | "92" => {
            let reference = edi_location_reference::Entity::find()
                .filter(edi_location_reference::Column::OrganizationId.eq(buyer.id))
                .filter(edi_location_reference::Column::Qualifier.eq(qualifier.clone()))
                .filter(edi_location_reference::Column::Code.eq(code.clone()))
                .one(db)
                .await?;
            (reference.map(|r| r.address_id), "location code")
        }
        // A qualifier we keep no codes for: the address given with it is the ship-to.
        _ if ship.rest.iter().any(|s| s.id == "N3" || s.id == "N4") => {
            return Ok((None, Some(one_time(&ship)?), Some(named)));
        }
        other => {
            return Err(refuse(
                n1,
                Some(3),
                format!(
                    "N103 `{other}` is not a ship-to qualifier we resolve (UL, 1, 9, 91, 92); \
                     send the address in N3 and N4"
                ),
            )
            .into());
        }
    };
    match found {
        Some(id) => Ok((Some(id), None, Some(named))),
        None => Err(refuse(
            n1,
            Some(4),
            format!("N104: no address of {} has the {kind} `{code}`", buyer.code),
        )
        .into()),
    }
}

/// The draft an 850 carries; the buyer is the sender, the seller the receiver.
async fn draft(
    db: &impl ConnectionTrait,
    principal: &Principal,
    buyer: &organization::Model,
    seller: Option<&organization::Model>,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Outcome<NewOrder> {
    let po = sets::read_850(set)?;
    let beg = anchor(set, "BEG");
    let po_number =
        model::po_number(&["input", "poNumber"], &po.po_number).map_err(at_element(&beg, 3))?;
    let currency = match &po.currency {
        None => None,
        Some(c) => {
            let cur = anchor(set, "CUR");
            Some(Currency::parse(&["input", "currency"], c).map_err(at_element(&cur, 2))?)
        }
    };
    let po1s = lines(set);
    let catalogue = Catalogue::of(db, principal, buyer.id, &po1s).await?;
    let lines = po1s
        .iter()
        .enumerate()
        .map(|(i, po1)| line(po1, i, &catalogue, trade))
        .collect::<Outcome<Vec<_>>>()?;
    if lines.is_empty() {
        return Err(refuse(&beg, None, "an 850 needs at least one PO1 line").into());
    }
    let (ship_to_address_id, one_time_ship_to, ship_to_reference) = ship_to(db, set, buyer).await?;
    Ok(NewOrder {
        buyer_id: Some(buyer.id),
        seller_id: seller.map(|s| s.id),
        po_number,
        currency,
        requested_date: po.requested_date,
        ship_to_address_id,
        one_time_ship_to,
        ship_to_reference,
        notes: None,
        special_price: None,
        end_customer_id: None,
        brand_initiated: false,
        lines,
    })
}

/// Applies an 850 from `buyer` to the brand, or to `seller` in the channel.
pub async fn apply(
    db: &impl ConnectionTrait,
    principal: &Principal,
    buyer: &organization::Model,
    seller: Option<&organization::Model>,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Outcome<Applied> {
    let po = sets::read_850(set)?;
    let beg = anchor(set, "BEG");
    match po.purpose.as_str() {
        "00" => {}
        "01" => return cancel(db, principal, buyer, set, &po).await,
        other => {
            return Err(refuse(
                &beg,
                Some(1),
                format!("BEG01 `{other}` is not supported: send 00 (original) or 01 (cancel)"),
            )
            .into());
        }
    }
    let new = draft(db, principal, buyer, seller, set, trade).await?;
    let order = submit::submit(db, principal, new, trade)
        .await
        .map_err(|e| match (e, seller) {
            (Error::User(u), Some(seller))
                if u.field.last().map(String::as_str) == Some("sellerId") =>
            {
                Failure::Refused(refuse(
                    &beg,
                    None,
                    format!(
                        "ISA08 names {}, which does not sell to {}: no active channel link \
                         joins them",
                        seller.code, buyer.code
                    ),
                ))
            }
            (e, _) => failure(e, |f| locate(set, f)),
        })?;
    Ok(Applied {
        order_id: Some(order.id),
        reference: Some(po.po_number),
        ..Applied::default()
    })
}

/// BEG01 `01`: cancels the order the PO number names.
async fn cancel(
    db: &impl ConnectionTrait,
    principal: &Principal,
    buyer: &organization::Model,
    set: &TransactionSet,
    po: &sets::PurchaseOrder,
) -> Outcome<Applied> {
    let beg = anchor(set, "BEG");
    let existing = order::Entity::find()
        .filter(order::Column::BuyerId.eq(buyer.id))
        .filter(order::Column::BuyerPoNumber.eq(po.po_number.clone()))
        .one(db)
        .await
        .map_err(|e| Failure::Fault(e.into()))?
        .ok_or_else(|| {
            refuse(
                &beg,
                Some(3),
                format!("no order of {} has PO number {}", buyer.code, po.po_number),
            )
        })?;
    let cancelled = lifecycle::cancel(
        db,
        principal,
        existing.id,
        existing.version,
        Some(format!("cancelled by X12 850 {}", set.control_number)),
    )
    .await
    .map_err(|e| match e {
        Error::User(u) => Failure::Refused(refuse(&beg, Some(1), u.message)),
        other => failure(other, |f| locate(set, f)),
    })?;
    Ok(Applied {
        order_id: Some(cancelled.id),
        reference: Some(po.po_number.clone()),
        ..Applied::default()
    })
}
