//! What the brand sends by X12: the 997s and TA1s that answer partners, and the documents
//! the trade model raises for partners that trade by X12: an 855 when an order is
//! acknowledged, an 856 for each shipment, an 810 for each invoice, and an 850 for each
//! purchase order to a supplier.
//!
//! Each goes out in an interchange of its own, from the brand's EDI id to the partner's, in
//! the partner's version, and is stored with it. Control numbers come from the partner's
//! counter: one value each for the interchange, every group and every set, so they increase
//! per partner and never repeat. A partner trades by X12 when it is configured as an EDI
//! partner, or (for an order's acknowledgement, ship notices and invoices) when the order
//! came in as an 850.

use chrono::Utc;
use entity::enums::{EdiDirection, EdiStatus, EdiUsage, LineStatus, OrderKind};
use entity::fixed::Fixed;
use entity::{
    edi_document, edi_interchange, invoice, invoice_line, order, order_line, organization, product,
    shipment, shipment_line,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;
use uuid::Uuid;

use super::clip;
use super::envelope::Delimiters;
use super::{partners, writer};
use crate::access::Principal;
use crate::catalog::products;
use crate::error::{Error, Result};
use crate::ids::NodeType;
use crate::money;
use crate::orders::model::{AppliedChange, LineChangeKind};
use crate::orders::reactions::Happened;
use crate::orders::{counters, queries};
use crate::store::now;

/// What a set sent is linked to.
#[derive(Clone, Debug, Default)]
pub struct Links {
    pub order_id: Option<Uuid>,
    pub shipment_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub claim_id: Option<Uuid>,
    pub reference: Option<String>,
}

/// A set to send: its id and body segments.
pub struct OutSet {
    pub id: &'static str,
    pub body: Vec<(&'static str, Vec<String>)>,
    pub links: Links,
    /// An 856 sent later than the partner's window after the goods.
    pub ship_notice_late: bool,
}

/// A functional group to send.
pub struct OutGroup {
    /// GS01.
    pub functional_id: &'static str,
    /// GS08: `004010`, `004010VICS`, `005010`, …
    pub version: String,
    pub sets: Vec<OutSet>,
}

/// Who an interchange goes from and to, in which ISA12 and with which delimiters.
#[derive(Clone)]
pub struct Route {
    /// ISA05/ISA06 and GS02.
    pub from: writer::Party,
    pub from_group: String,
    /// ISA07/ISA08 and GS03.
    pub to: writer::Party,
    pub to_group: String,
    /// ISA12.
    pub version: String,
    pub delimiters: Delimiters,
    /// Minutes in which the receiver's 997 for a set is due.
    pub ack_window_minutes: i64,
}

impl Route {
    /// From the brand to a partner, each as its profile says, in the partner's version and
    /// separators.
    pub fn between(us: &partners::Profile, them: &partners::Profile) -> Route {
        Route {
            from: writer::Party {
                qualifier: us.qualifier.clone(),
                id: us.id.clone(),
            },
            from_group: us.group_id.clone(),
            to: writer::Party {
                qualifier: them.qualifier.clone(),
                id: them.id.clone(),
            },
            to_group: them.group_id.clone(),
            version: them.interchange_version.clone(),
            delimiters: them.delimiters,
            ack_window_minutes: them.ack_window_minutes,
        }
    }
}

/// How many control numbers an interchange of `groups` takes: one for the interchange, then
/// one for each group and each set.
pub fn numbers_needed(groups: &[OutGroup]) -> i64 {
    1 + groups.iter().map(|g| 1 + g.sets.len() as i64).sum::<i64>()
}

/// Takes `needed` control numbers from the counter of the partner `org`, returning the last.
/// Called outside a transaction, it holds the counter's row only for itself, so answers to
/// one partner do not queue behind each other's commits; a number whose interchange is then
/// not stored is skipped, never reused.
pub async fn reserve(db: &impl ConnectionTrait, org: Uuid, needed: i64) -> Result<i64> {
    counters::next_block(db, &format!("edi:{org}"), needed).await
}

/// Writes and stores an interchange to `org`, numbered from its counter: from the block
/// `reserved` (the last number of it) when one was taken, else from a block taken in `db`.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    db: &impl ConnectionTrait,
    org: &organization::Model,
    route: Route,
    usage: EdiUsage,
    answers: Option<Uuid>,
    ta1: Option<String>,
    groups: Vec<OutGroup>,
    reserved: Option<i64>,
) -> Result<edi_interchange::Model> {
    let at = Utc::now();
    let d = route.delimiters;
    let needed = numbers_needed(&groups);
    let last = match reserved {
        Some(last) => last,
        None => reserve(db, org.id, needed).await?,
    };
    let mut numbers = (last - needed + 1)..=last;
    let mut take = move || {
        numbers
            .next()
            .ok_or_else(|| Error::Internal("a block of control numbers ran out".into()))
    };
    let control = take()? as u32;
    let envelope = writer::Envelope {
        sender: route.from.clone(),
        receiver: writer::Party {
            qualifier: if route.to.qualifier.is_empty() {
                "ZZ".into()
            } else {
                route.to.qualifier.clone()
            },
            id: route.to.id.clone(),
        },
        date: at.format("%y%m%d").to_string(),
        time: at.format("%H%M").to_string(),
        version: route.version.clone(),
        control_number: control,
        usage: usage.into(),
        delimiters: d,
    };
    let interchange_id = Uuid::now_v7();
    let mut written = Vec::new();
    let mut documents = Vec::new();
    for group in groups {
        let group_control = take()? as u32;
        let mut sets = Vec::new();
        for set in group.sets {
            let set_control = format!("{:04}", take()?);
            let text = writer::set(set.id, &set_control, &set.body, d);
            documents.push(edi_document::ActiveModel {
                id: Set(Uuid::now_v7()),
                interchange_id: Set(interchange_id),
                organization_id: Set(org.id),
                direction: Set(EdiDirection::Outbound),
                usage: Set(usage),
                transaction_set: Set(set.id.into()),
                functional_id: Set(group.functional_id.into()),
                version: Set(clip(&group.version, 12)),
                group_control_number: Set(group_control.to_string()),
                control_number: Set(set_control),
                status: Set(EdiStatus::Sent),
                message: Set(None),
                reference: Set(set.links.reference.as_deref().map(|r| clip(r, 35))),
                order_id: Set(set.links.order_id),
                shipment_id: Set(set.links.shipment_id),
                invoice_id: Set(set.links.invoice_id),
                inventory_report_id: Set(None),
                sell_through_report_id: Set(None),
                claim_id: Set(set.links.claim_id),
                content: Set(text.clone()),
                dedupe_key: Set(None),
                created_at: Set(now()),
                ack_status: Set(None),
                acknowledged_at: Set(None),
                acknowledged_by_id: Set(None),
                // A 997 acknowledges; nothing acknowledges it.
                ack_due_at: Set((set.id != "997")
                    .then(|| now() + chrono::Duration::minutes(route.ack_window_minutes))),
                overdue_reported_at: Set(None),
                ship_notice_late: Set(set.ship_notice_late),
            });
            sets.push(text);
        }
        written.push(writer::group(
            group.functional_id,
            &route.from_group,
            &route.to_group,
            &at.format("%Y%m%d").to_string(),
            &at.format("%H%M").to_string(),
            group_control,
            &group.version,
            &sets,
            d,
        ));
    }
    let content = writer::answer(&envelope, ta1.as_deref(), &written);
    let row = edi_interchange::ActiveModel {
        id: Set(interchange_id),
        organization_id: Set(org.id),
        direction: Set(EdiDirection::Outbound),
        usage: Set(usage),
        sender_id: Set(clip(&route.from.id, 35)),
        receiver_id: Set(clip(&envelope.receiver.id, 35)),
        control_number: Set(Some(format!("{:09}", control % 1_000_000_000))),
        version: Set(Some(envelope.version.clone())),
        status: Set(EdiStatus::Sent),
        message: Set(None),
        content: Set(content),
        answers_id: Set(answers),
        dedupe_key: Set(None),
        created_at: Set(now()),
    };
    let sent = sea_orm::TryIntoModel::try_into_model(row.clone())?;
    // The interchange and its documents: one statement on PostgreSQL.
    let mut writes = crate::writes::Writes::new();
    writes.insert(row);
    writes.insert_many(documents);
    writes.run(db).await?;
    Ok(sent)
}

/// Which side of an order a document goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The buyer, from the brand as the seller: 855, 856, 810.
    Buyer,
    /// The supplier, from the brand as the buyer: 850.
    Supplier,
}

/// What an order's document is written from.
struct Parties {
    partner: organization::Model,
    /// The brand's and the partner's trading-partner profiles.
    us: partners::Profile,
    them: partners::Profile,
    lines: Vec<order_line::Model>,
    products: HashMap<Uuid, product::Model>,
}

/// The brand, the partner on `side` and the order's lines, when that partner trades by X12
/// for this order and the brand is the other side; nothing else is read otherwise, so
/// orders with partners that do not trade by X12 pay two lookups at most.
async fn parties(
    db: &impl ConnectionTrait,
    order: &order::Model,
    side: Side,
) -> Result<Option<Parties>> {
    let (partner_id, brand_id) = match side {
        Side::Buyer => (order.buyer_id, order.seller_id),
        Side::Supplier => (order.seller_id, order.buyer_id),
    };
    let mut trades = partners::is_configured(db, partner_id).await?;
    if !trades && side == Side::Buyer {
        // An order that came in as an 850 is answered the same way.
        trades = edi_document::Entity::find()
            .filter(edi_document::Column::OrderId.eq(order.id))
            .filter(edi_document::Column::OrganizationId.eq(partner_id))
            .filter(edi_document::Column::Direction.eq(EdiDirection::Inbound))
            .filter(edi_document::Column::TransactionSet.eq("850"))
            .filter(edi_document::Column::Status.eq(EdiStatus::Accepted))
            .one(db)
            .await?
            .is_some();
    }
    if !trades || queries::brand_id(db).await? != Some(brand_id) {
        return Ok(None);
    }
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in([brand_id, partner_id]))
        .all(db)
        .await?;
    let find = |id: Uuid| orgs.iter().find(|o| o.id == id).cloned();
    let (Some(brand), Some(partner)) = (find(brand_id), find(partner_id)) else {
        return Ok(None);
    };
    let lines = queries::lines_of(db, &Principal::System, &[order.id])
        .await?
        .remove(&order.id)
        .unwrap_or_default();
    let ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let products = products::by_ids(db, &Principal::System, &ids).await?;
    let [us, them] = partners::profiles(db, [&brand, &partner]).await?;
    Ok(Some(Parties {
        partner,
        us,
        them,
        lines,
        products,
    }))
}

/// Sends one set in one group to the partner, as its profile says.
async fn send_one(
    db: &impl ConnectionTrait,
    p: &Parties,
    functional_id: &'static str,
    set: OutSet,
) -> Result<()> {
    let group = OutGroup {
        functional_id,
        version: p.them.group_version.clone(),
        sets: vec![set],
    };
    send(
        db,
        &p.partner,
        Route::between(&p.us, &p.them),
        EdiUsage::Production,
        None,
        None,
        vec![group],
        None,
    )
    .await?;
    Ok(())
}

fn ymd(date: chrono::NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// A quantity or price as X12 writes a decimal: no trailing zeros.
fn number(value: Decimal) -> String {
    money::stored(value).normalize().to_string()
}

fn unit(u: entity::enums::UnitOfMeasure) -> String {
    crate::orders::submit::unit_code(u)
}

fn sku(products: &HashMap<Uuid, product::Model>, id: Uuid) -> Result<String> {
    products
        .get(&id)
        .map(|p| p.sku.clone())
        .ok_or_else(|| Error::Internal(format!("product {id} of an order line is gone")))
}

/// The ids a line's item goes back by: the buyer's own pair first, when it named the item by
/// something else than our SKU, then our SKU under `VP`.
fn item_ids(
    products: &HashMap<Uuid, product::Model>,
    line: &order_line::Model,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    if let (Some(q), Some(code)) = (&line.item_qualifier, &line.item_code)
        && !matches!(q.as_str(), "VP" | "VN" | "SK")
    {
        ids.extend([q.clone(), code.clone()]);
    }
    ids.extend(["VP".into(), sku(products, line.product_id)?]);
    Ok(ids)
}

/// A quantity, its unit and a unit price in the buyer's words: in the pack it ordered in,
/// when it did and the quantity is whole packs; in the product's unit otherwise.
fn in_ordered_units(
    line: &order_line::Model,
    quantity: Decimal,
    unit_price: Decimal,
) -> (String, String, String) {
    if let (Some(pack), Some(size)) = (&line.ordered_unit, line.pack_size)
        && size > 0
    {
        let size = Decimal::from(size);
        let packs = quantity / size;
        if packs.fract().is_zero() {
            return (number(packs), pack.clone(), number(unit_price * size));
        }
    }
    (number(quantity), unit(line.unit), number(unit_price))
}

/// The order's ship-to in the buyer's words: N1*ST with the code it named it by, or the
/// one-time address it gave (N1, N3, N4); nothing when it named none.
fn ship_to(order: &order::Model) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    let name = order.ship_to_name.clone().unwrap_or_default();
    match (&order.ship_to_qualifier, &order.ship_to_code) {
        (Some(q), Some(code)) => out.push(("N1", vec!["ST".into(), name, q.clone(), code.clone()])),
        _ if order.ship_to_name.is_some() || order.ship_to_city.is_some() => {
            out.push(("N1", vec!["ST".into(), name]));
        }
        _ => return out,
    }
    if let Some(street) = &order.ship_to_street {
        out.push(("N3", vec![street.clone()]));
    }
    if order.ship_to_city.is_some() || order.ship_to_country.is_some() {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        out.push((
            "N4",
            vec![
                text(&order.ship_to_city),
                text(&order.ship_to_region),
                text(&order.ship_to_postal_code),
                text(&order.ship_to_country),
            ],
        ));
    }
    out
}

/// The brand and a partner that trades by X12 (it has a profile), with both profiles and
/// one other organization a document names.
struct X12Partner {
    brand: organization::Model,
    partner: organization::Model,
    other: Option<organization::Model>,
    us: partners::Profile,
    them: partners::Profile,
}

impl X12Partner {
    /// None where the partner has no profile or the directory no brand.
    async fn of(
        db: &impl ConnectionTrait,
        partner: Uuid,
        other: Option<Uuid>,
    ) -> Result<Option<X12Partner>> {
        if !partners::is_configured(db, partner).await? {
            return Ok(None);
        }
        let Some(brand_id) = queries::brand_id(db).await? else {
            return Ok(None);
        };
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in([brand_id, partner].into_iter().chain(other)))
            .all(db)
            .await?;
        let find = |id: Uuid| orgs.iter().find(|o| o.id == id).cloned();
        let (Some(brand), Some(partner)) = (find(brand_id), find(partner)) else {
            return Ok(None);
        };
        let [us, them] = partners::profiles(db, [&brand, &partner]).await?;
        Ok(Some(X12Partner {
            other: other.and_then(find),
            brand,
            partner,
            us,
            them,
        }))
    }
}

/// An N1 naming an organization by the directory's code (`91`, assigned by the seller).
fn party(code: &str, org: &organization::Model) -> (&'static str, Vec<String>) {
    (
        "N1",
        vec![
            code.to_owned(),
            clip(&org.name, 60),
            "91".into(),
            org.code.clone(),
        ],
    )
}

/// The 845 that tells a distributor trading by X12 of a special price the brand approved,
/// in the approval's transaction: the authorisation number (BPA04 and CON02, qualifier
/// `CT`), its first and last day (DTM 007 and 036), the brand, the distributor and the end
/// customer (N1 `MF`, `DS`, `EN`, with the directory's codes under `91`), and per product a
/// PAD loop: the line as a ship-and-debit sale (`SD`), the cap (QTY `38`), the SKU (LIN
/// `VP`), the distributor's own price (CTP `DIS`) and the authorised price (CTP `CON`).
/// Nothing goes to a distributor that does not trade by X12.
pub async fn price_authorized(
    db: &impl ConnectionTrait,
    agreement: &entity::special_price::Model,
    lines: &[entity::special_price_line::Model],
) -> Result<()> {
    let Some(x) = X12Partner::of(
        db,
        agreement.distributor_id,
        Some(agreement.end_customer_id),
    )
    .await?
    else {
        return Ok(());
    };
    let Some(customer) = x.other.clone() else {
        return Ok(());
    };
    let (brand, distributor) = (&x.brand, &x.partner);
    let ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let products = products::by_ids(db, &Principal::System, &ids).await?;
    let number = agreement.number.clone().unwrap_or_default();
    let mut body = vec![
        (
            "BPA",
            vec![
                "00".into(),
                ymd(now().date_naive()),
                "CT".into(),
                number.clone(),
            ],
        ),
        ("DTM", vec!["007".into(), ymd(agreement.valid_from)]),
        ("DTM", vec!["036".into(), ymd(agreement.valid_until)]),
        party("MF", brand),
        party("DS", distributor),
        ("CON", vec!["CT".into(), number.clone()]),
        party("EN", &customer),
    ];
    let mut authorised = 0;
    for line in lines {
        let (Some(price), Some(cap)) = (line.authorized_price, line.quantity_cap) else {
            continue;
        };
        let product = products
            .get(&line.product_id)
            .ok_or_else(|| Error::Internal("a special price's product is gone".into()))?;
        authorised += 1;
        body.extend([
            ("PAD", vec![line.line_number.to_string(), "SD".into()]),
            ("QTY", vec!["38".into(), number_of(cap), unit(product.unit)]),
            ("LIN", vec![String::new(), "VP".into(), product.sku.clone()]),
            (
                "CTP",
                vec![String::new(), "DIS".into(), number_of(line.tier_price)],
            ),
            ("CTP", vec![String::new(), "CON".into(), number_of(price)]),
        ]);
    }
    body.push(("CTT", vec![authorised.to_string()]));
    let group = OutGroup {
        functional_id: "PA",
        version: x.them.group_version.clone(),
        sets: vec![OutSet {
            id: "845",
            body,
            links: Links {
                reference: Some(number),
                ..Links::default()
            },
            ship_notice_late: false,
        }],
    };
    send(
        db,
        distributor,
        Route::between(&x.us, &x.them),
        EdiUsage::Production,
        None,
        None,
        vec![group],
        None,
    )
    .await?;
    Ok(())
}

/// The 830 that tells a supplier trading by X12 what the brand will need of the products it
/// makes, week by week (see [`crate::replenishment::supply`]):
/// - BFR: an original (`00`), the schedule's number, delivery based (`DL`), actual
///   quantities (`A`), the horizon's first and last day and the day it was made;
/// - the brand and the supplier: N1 `BY` and `SU`, with the directory's codes under `91`;
/// - per product: LIN with the SKU (`VP`), UIT with its unit, and one FST per week with the
///   net requirement, as a planning quantity (`D`), in a weekly bucket (`W`), on the week's
///   Monday;
/// - CTT: the number of LIN segments and the sum of the FST quantities.
///
/// Answers the interchange sent; none to a supplier that does not trade by X12.
pub async fn planning_schedule(
    db: &impl ConnectionTrait,
    supplier: Uuid,
    reference: &str,
    plans: &[(
        product::Model,
        Vec<crate::replenishment::supply::SupplyWeek>,
    )],
) -> Result<Option<edi_interchange::Model>> {
    let Some(x) = X12Partner::of(db, supplier, None).await? else {
        return Ok(None);
    };
    let first = plans
        .iter()
        .flat_map(|(_, weeks)| weeks.first().map(|w| w.week))
        .min()
        .unwrap_or_else(|| now().date_naive());
    let last = plans
        .iter()
        .flat_map(|(_, weeks)| weeks.last().map(|w| w.week + chrono::Days::new(6)))
        .max()
        .unwrap_or(first);
    let mut body = vec![
        (
            "BFR",
            vec![
                "00".into(),
                reference.to_owned(),
                String::new(),
                "DL".into(),
                "A".into(),
                ymd(first),
                ymd(last),
                ymd(now().date_naive()),
            ],
        ),
        party("BY", &x.brand),
        party("SU", &x.partner),
    ];
    let mut total = Decimal::ZERO;
    for (product, weeks) in plans {
        body.push(("LIN", vec![String::new(), "VP".into(), product.sku.clone()]));
        body.push(("UIT", vec![unit(product.unit)]));
        for w in weeks {
            total += w.net_requirement;
            body.push((
                "FST",
                vec![
                    number(w.net_requirement),
                    "D".into(),
                    "W".into(),
                    ymd(w.week),
                ],
            ));
        }
    }
    body.push(("CTT", vec![plans.len().to_string(), number(total)]));
    let group = OutGroup {
        functional_id: "PS",
        version: x.them.group_version.clone(),
        sets: vec![OutSet {
            id: "830",
            body,
            links: Links {
                reference: Some(reference.to_owned()),
                ..Links::default()
            },
            ship_notice_late: false,
        }],
    };
    let sent = send(
        db,
        &x.partner,
        Route::between(&x.us, &x.them),
        EdiUsage::Production,
        None,
        None,
        vec![group],
        None,
    )
    .await?;
    Ok(Some(sent))
}

/// The 849 that answers a distributor trading by X12 when the brand decides its claim, in
/// the decision's transaction: BRC answers the distributor's debit number (`IV`), CON names
/// the special price (`CT`), and each line is a PAD loop with its result, AAA `Y` where
/// something is allowed and `N` where nothing is (PAD03 `PQ` for a line allowed in part),
/// the SKU (LIN `VP`), the allowed cost (UIT), the allowed quantity (QTY `39`) and the
/// allowed amount (AMT `1`). CTT counts the CON segments and sums the quantities. A
/// rejected claim answers every line `N`.
pub async fn claim_answered(
    db: &impl ConnectionTrait,
    claim: &entity::claim::Model,
    lines: &[entity::claim_line::Model],
    special_price: &str,
) -> Result<()> {
    use entity::enums::{ClaimLineResult, ClaimStatus};
    let Some(x) = X12Partner::of(db, claim.distributor_id, None).await? else {
        return Ok(());
    };
    let (brand, distributor) = (&x.brand, &x.partner);
    let ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let products = products::by_ids(db, &Principal::System, &ids).await?;
    let mut body = vec![
        (
            "BRC",
            vec![
                "11".into(),
                ymd(now().date_naive()),
                "IV".into(),
                claim.reference.clone(),
            ],
        ),
        party("MF", brand),
        party("DS", distributor),
        ("CON", vec!["CT".into(), special_price.to_owned()]),
    ];
    let mut total = Decimal::ZERO;
    for line in lines {
        let product = products
            .get(&line.product_id)
            .ok_or_else(|| Error::Internal("a claimed product is gone".into()))?;
        let result = if claim.status == ClaimStatus::Rejected {
            ClaimLineResult::Rejected
        } else {
            line.decided.unwrap_or(line.result)
        };
        let (quantity, amount) = if result == ClaimLineResult::Rejected {
            (Decimal::ZERO, Decimal::ZERO)
        } else {
            (*line.allowed_quantity, *line.allowed_amount)
        };
        total += quantity;
        let mut pad = vec![line.line_number.to_string(), "SD".into()];
        if result == ClaimLineResult::Adjusted {
            pad.push("PQ".into());
        }
        body.extend([
            ("PAD", pad),
            ("LIN", vec![String::new(), "VP".into(), product.sku.clone()]),
            (
                "AAA",
                vec![
                    if result == ClaimLineResult::Rejected {
                        "N"
                    } else {
                        "Y"
                    }
                    .into(),
                ],
            ),
            (
                "UIT",
                vec![unit(product.unit), number_of(line.allowed_cost)],
            ),
            (
                "QTY",
                vec!["39".into(), number(quantity), unit(product.unit)],
            ),
            (
                "AMT",
                vec![
                    "1".into(),
                    money::shown(amount, &claim.currency).to_string(),
                ],
            ),
        ]);
    }
    body.push(("CTT", vec!["1".into(), number(total)]));
    let group = OutGroup {
        functional_id: "CF",
        version: x.them.group_version.clone(),
        sets: vec![OutSet {
            id: "849",
            body,
            links: Links {
                claim_id: Some(claim.id),
                reference: Some(claim.number.clone()),
                ..Links::default()
            },
            ship_notice_late: false,
        }],
    };
    send(
        db,
        distributor,
        Route::between(&x.us, &x.them),
        EdiUsage::Production,
        None,
        None,
        vec![group],
        None,
    )
    .await?;
    Ok(())
}

/// The 812 that tells a partner trading by X12 of a credit memo: BCD its day, number, amount
/// and credit flag, with the debit number of the claim it settles (BCD13 `DM`, BCD14) or else
/// the memo's own number (`CM`); a CDD loop per line (reason `ZZ`, `C`, line, amount), its
/// N9s naming the claim: the distributor's debit number (`DM`) and the special price (`CT`).
pub async fn credit_memo_issued(
    db: &impl ConnectionTrait,
    memo: &entity::credit_memo::Model,
    lines: &[entity::credit_memo_line::Model],
) -> Result<()> {
    use entity::enums::CreditSource;
    let Some(x) = X12Partner::of(db, memo.partner_id, None).await? else {
        return Ok(());
    };
    let settled: Vec<Uuid> = lines
        .iter()
        .filter(|l| l.source == CreditSource::ShipAndDebit)
        .map(|l| l.source_id)
        .collect();
    let claims = entity::claim::Entity::find()
        .filter(entity::claim::Column::Id.is_in(settled))
        .all(db)
        .await?;
    let agreements: Vec<Uuid> = claims.iter().map(|c| c.special_price_id).collect();
    let numbers: HashMap<Uuid, String> = entity::special_price::Entity::find()
        .filter(entity::special_price::Column::Id.is_in(agreements))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.number.unwrap_or_default()))
        .collect();
    let amount = |v: Decimal| money::shown(v, &memo.currency).to_string();
    let (qualifier, reference) = match claims.as_slice() {
        [one] => ("DM", one.reference.clone()),
        _ => ("CM", memo.number.clone()),
    };
    let mut bcd = vec![
        ymd(memo.issued_on),
        memo.number.clone(),
        "I".into(),
        amount(*memo.amount),
        "C".into(),
    ];
    bcd.extend(std::iter::repeat_n(String::new(), 5));
    bcd.extend(["00".into(), String::new(), qualifier.into(), reference]);
    let mut body = vec![
        ("BCD", bcd),
        ("CUR", vec!["SE".into(), memo.currency.clone()]),
        party("MF", &x.brand),
        party("DS", &x.partner),
    ];
    for line in lines {
        body.push((
            "CDD",
            vec![
                "ZZ".into(),
                "C".into(),
                line.line_number.to_string(),
                amount(*line.amount),
            ],
        ));
        if let Some(claim) = claims.iter().find(|c| c.id == line.source_id) {
            body.push(("N9", vec!["DM".into(), claim.reference.clone()]));
            if let Some(number) = numbers.get(&claim.special_price_id) {
                body.push(("N9", vec!["CT".into(), number.clone()]));
            }
        }
    }
    let group = OutGroup {
        functional_id: "CD",
        version: x.them.group_version.clone(),
        sets: vec![OutSet {
            id: "812",
            body,
            links: Links {
                claim_id: match claims.as_slice() {
                    [one] => Some(one.id),
                    _ => None,
                },
                reference: Some(memo.number.clone()),
                ..Links::default()
            },
            ship_notice_late: false,
        }],
    };
    send(
        db,
        &x.partner,
        Route::between(&x.us, &x.them),
        EdiUsage::Production,
        None,
        None,
        vec![group],
        None,
    )
    .await?;
    Ok(())
}

fn number_of(value: Fixed) -> String {
    number(*value)
}

/// Writes what a step of an order sends, if anything: the trade's reaction that writes
/// X12, in the step's transaction.
pub async fn react(db: &impl ConnectionTrait, happened: Happened<'_>) -> Result<()> {
    match happened {
        Happened::PurchaseOrdered { order } => purchase_ordered(db, order).await,
        Happened::Acknowledged { order } => order_acknowledged(db, order).await,
        Happened::Changed { order, change } => changed(db, order, change).await,
        Happened::Shipped { order, shipment } => shipped(db, order, shipment).await,
        Happened::Invoiced { order, invoice } => invoiced(db, order, invoice).await,
    }
}

/// A changed order's document: to the supplier, an 860 for the brand's change to its
/// purchase order; to a buyer that sent its change as an 860, the 865 that answers it.
async fn changed(
    db: &impl ConnectionTrait,
    order: &order::Model,
    change: &AppliedChange,
) -> Result<()> {
    let purchase = order.kind == OrderKind::Purchase;
    if !purchase && change.reference.is_none() {
        return Ok(());
    }
    let side = if purchase {
        Side::Supplier
    } else {
        Side::Buyer
    };
    let Some(p) = parties(db, order, side).await? else {
        return Ok(());
    };
    let sequence = change
        .reference
        .clone()
        .unwrap_or_else(|| change.sequence.to_string());
    let po_date = ymd(order.submitted_at.date_naive());
    let mut body = if purchase {
        vec![
            (
                "BCH",
                vec![
                    "04".into(),
                    "SA".into(),
                    order.buyer_po_number.clone(),
                    String::new(),
                    sequence,
                    po_date,
                ],
            ),
            ("CUR", vec!["BY".into(), order.currency.clone()]),
        ]
    } else {
        vec![
            (
                "BCA",
                vec![
                    "00".into(),
                    "AC".into(),
                    order.buyer_po_number.clone(),
                    String::new(),
                    sequence,
                    po_date,
                    String::new(),
                    String::new(),
                    order.number.clone(),
                    ymd(now().date_naive()),
                ],
            ),
            ("CUR", vec!["SE".into(), order.currency.clone()]),
        ]
    };
    for c in &change.lines {
        let Some(l) = p.lines.iter().find(|l| l.line_number == c.line_number) else {
            return Err(Error::Internal("a changed line is not on its order".into()));
        };
        let now_quantity = if l.status == LineStatus::Cancelled {
            Decimal::ZERO
        } else {
            *l.quantity
        };
        let (quantity, ordered_unit, price) = in_ordered_units(l, now_quantity, *l.unit_price);
        let mut poc = vec![
            l.line_number.to_string(),
            c.kind.code().into(),
            quantity.clone(),
            quantity.clone(),
            ordered_unit.clone(),
            price,
            String::new(),
        ];
        if purchase {
            poc.extend(["VP".into(), sku(&p.products, l.product_id)?]);
        } else {
            poc.extend(item_ids(&p.products, l)?);
        }
        body.push(("POC", poc));
        if let Some(date) = l.requested_date
            && c.kind != LineChangeKind::Cancelled
        {
            body.push(("DTM", vec!["002".into(), ymd(date)]));
        }
        if !purchase {
            // Applied, but held for a credit decision when the new total did not fit.
            let status = if c.kind == LineChangeKind::Cancelled {
                "ID"
            } else if order.status == entity::enums::OrderStatus::CreditHold {
                "IH"
            } else {
                "IA"
            };
            body.push(("ACK", vec![status.into(), quantity, ordered_unit]));
        }
    }
    body.push(("CTT", vec![change.lines.len().to_string()]));
    let (id, functional) = if purchase {
        ("860", "PC")
    } else {
        ("865", "CA")
    };
    let set = OutSet {
        id,
        body,
        links: Links {
            order_id: Some(order.id),
            reference: Some(order.buyer_po_number.clone()),
            ..Links::default()
        },
        ship_notice_late: false,
    };
    send_one(db, &p, functional, set).await
}

/// The 855 for an acknowledged order, to its buyer.
async fn order_acknowledged(db: &impl ConnectionTrait, order: &order::Model) -> Result<()> {
    let Some(p) = parties(db, order, Side::Buyer).await? else {
        return Ok(());
    };
    let all = |s: LineStatus| p.lines.iter().all(|l| l.status == s);
    let kind = if all(LineStatus::Accepted) {
        "AD"
    } else if all(LineStatus::Rejected) {
        "RJ"
    } else {
        "AC"
    };
    let mut body = vec![
        (
            "BAK",
            vec![
                "00".into(),
                kind.into(),
                order.buyer_po_number.clone(),
                ymd(order.submitted_at.date_naive()),
                String::new(),
                String::new(),
                String::new(),
                order.number.clone(),
                ymd(now().date_naive()),
            ],
        ),
        ("CUR", vec!["SE".into(), order.currency.clone()]),
    ];
    body.extend(ship_to(order));
    for l in &p.lines {
        let (quantity, ordered_unit, price) = in_ordered_units(l, *l.quantity, *l.unit_price);
        let mut po1 = vec![
            l.line_number.to_string(),
            quantity,
            ordered_unit,
            price,
            String::new(),
        ];
        po1.extend(item_ids(&p.products, l)?);
        if let Some(bp) = &l.buyer_part_number
            && l.item_qualifier.as_deref() != Some("BP")
        {
            po1.extend(["BP".into(), bp.clone()]);
        }
        body.push(("PO1", po1));
        let (status, quantity) = match l.status {
            LineStatus::Accepted => ("IA", l.accepted_quantity.unwrap_or(l.quantity)),
            LineStatus::Changed => ("IC", l.accepted_quantity.unwrap_or(l.quantity)),
            LineStatus::QuantityChanged => ("IQ", l.accepted_quantity.unwrap_or(l.quantity)),
            LineStatus::PriceChanged => ("IP", l.accepted_quantity.unwrap_or(l.quantity)),
            LineStatus::Backordered => ("IB", l.accepted_quantity.unwrap_or(l.quantity)),
            LineStatus::Rejected => ("IR", Fixed::ZERO),
            LineStatus::Cancelled => ("ID", Fixed::ZERO),
            LineStatus::Open => continue,
        };
        let (quantity, ordered_unit, _) = in_ordered_units(l, *quantity, *l.unit_price);
        let mut ack = vec![status.into(), quantity, ordered_unit];
        if let Some(promised) = l.promised_date {
            ack.extend(["068".into(), ymd(promised)]);
        }
        body.push(("ACK", ack));
    }
    body.push(("CTT", vec![p.lines.len().to_string()]));
    let set = OutSet {
        id: "855",
        body,
        links: Links {
            order_id: Some(order.id),
            reference: Some(order.buyer_po_number.clone()),
            ..Links::default()
        },
        ship_notice_late: false,
    };
    send_one(db, &p, "PR", set).await
}

/// The 856 for a shipment, to the order's buyer.
async fn shipped(
    db: &impl ConnectionTrait,
    order: &order::Model,
    shipment: &shipment::Model,
) -> Result<()> {
    let Some(p) = parties(db, order, Side::Buyer).await? else {
        return Ok(());
    };
    let shipped = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.eq(shipment.id))
        .all(db)
        .await?;
    let mut body = vec![(
        "BSN",
        vec![
            "00".into(),
            shipment.number.clone(),
            ymd(shipment.shipped_at.date_naive()),
            shipment.shipped_at.format("%H%M").to_string(),
        ],
    )];
    body.push(("HL", vec!["1".into(), String::new(), "S".into()]));
    body.push((
        "TD5",
        vec!["B".into(), "2".into(), shipment.carrier.clone()],
    ));
    if let Some(tracking) = &shipment.tracking_number {
        body.push(("REF", vec!["CN".into(), tracking.clone()]));
    }
    body.push((
        "DTM",
        vec!["011".into(), ymd(shipment.shipped_at.date_naive())],
    ));
    if let Some(expected) = shipment.expected_at {
        body.push(("DTM", vec!["017".into(), ymd(expected)]));
    }
    body.extend(ship_to(order));
    body.push(("HL", vec!["2".into(), "1".into(), "O".into()]));
    body.push((
        "PRF",
        vec![
            order.buyer_po_number.clone(),
            String::new(),
            String::new(),
            ymd(order.submitted_at.date_naive()),
        ],
    ));
    let mut levels = 2;
    for s in &shipped {
        let Some(line) = p.lines.iter().find(|l| l.id == s.order_line_id) else {
            return Err(Error::Internal(
                "a shipment line names no line of its order".into(),
            ));
        };
        levels += 1;
        body.push(("HL", vec![levels.to_string(), "2".into(), "I".into()]));
        let mut lin = vec![line.line_number.to_string()];
        lin.extend(item_ids(&p.products, line)?);
        body.push(("LIN", lin));
        let (quantity, shipped_unit, _) = in_ordered_units(line, *s.quantity, *line.unit_price);
        body.push((
            "SN1",
            vec![line.line_number.to_string(), quantity, shipped_unit],
        ));
    }
    body.push(("CTT", vec![levels.to_string()]));
    // Sent now: late when the goods left longer ago than the partner's window.
    let due = shipment.shipped_at + chrono::Duration::minutes(p.them.ship_notice_window_minutes);
    let late = now() > due;
    let set = OutSet {
        id: "856",
        body,
        links: Links {
            order_id: Some(order.id),
            shipment_id: Some(shipment.id),
            reference: Some(shipment.number.clone()),
            ..Links::default()
        },
        ship_notice_late: late,
    };
    send_one(db, &p, "SH", set).await?;
    if late {
        crate::events::emit(
            db,
            crate::events::NewEvent {
                event_type: crate::events::EventType::OrderShipNoticeLate,
                subject_id: order.id,
                order_id: Some(order.id),
                audience: vec![order.buyer_id, order.seller_id],
                data: serde_json::json!({
                    "order": { "id": crate::events::gid(NodeType::Order, order.id), "number": order.number },
                    "shipment": { "id": crate::events::gid(NodeType::Shipment, shipment.id), "number": shipment.number },
                    "shippedAt": shipment.shipped_at.to_rfc3339(),
                    "dueAt": due.to_rfc3339(),
                }),
            },
        )
        .await?;
    }
    Ok(())
}

/// The 810 for an invoice, to the order's buyer.
async fn invoiced(
    db: &impl ConnectionTrait,
    order: &order::Model,
    invoice: &invoice::Model,
) -> Result<()> {
    let Some(p) = parties(db, order, Side::Buyer).await? else {
        return Ok(());
    };
    let invoiced = invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.eq(invoice.id))
        .all(db)
        .await?;
    let mut body = vec![
        (
            "BIG",
            vec![
                ymd(invoice.issued_on),
                invoice.number.clone(),
                ymd(order.submitted_at.date_naive()),
                order.buyer_po_number.clone(),
            ],
        ),
        ("CUR", vec!["SE".into(), invoice.currency.clone()]),
        ("REF", vec!["VN".into(), order.number.clone()]),
        (
            "ITD",
            vec![
                "05".into(),
                "3".into(),
                String::new(),
                String::new(),
                String::new(),
                ymd(invoice.due_on),
                order.payment_terms_days.to_string(),
            ],
        ),
    ];
    for i in &invoiced {
        let Some(line) = p.lines.iter().find(|l| l.id == i.order_line_id) else {
            return Err(Error::Internal(
                "an invoice line names no line of its order".into(),
            ));
        };
        let (quantity, invoiced_unit, price) = in_ordered_units(line, *i.quantity, *i.unit_price);
        let mut it1 = vec![
            line.line_number.to_string(),
            quantity,
            invoiced_unit,
            price,
            String::new(),
        ];
        it1.extend(item_ids(&p.products, line)?);
        body.push(("IT1", it1));
        body.push(("TXI", vec!["VA".into(), number(*i.tax_amount)]));
    }
    let cents = (money::stored(invoice.total) * Decimal::from(100)).round();
    body.push(("TDS", vec![cents.to_string()]));
    body.push(("TXI", vec!["VA".into(), number(*invoice.tax_total)]));
    body.push(("CTT", vec![invoiced.len().to_string()]));
    let set = OutSet {
        id: "810",
        body,
        links: Links {
            order_id: Some(order.id),
            invoice_id: Some(invoice.id),
            reference: Some(invoice.number.clone()),
            ..Links::default()
        },
        ship_notice_late: false,
    };
    send_one(db, &p, "IN", set).await
}

/// The 850 for a purchase order, to its supplier.
async fn purchase_ordered(db: &impl ConnectionTrait, order: &order::Model) -> Result<()> {
    let Some(p) = parties(db, order, Side::Supplier).await? else {
        return Ok(());
    };
    let mut body = vec![
        (
            "BEG",
            vec![
                "00".into(),
                "SA".into(),
                order.buyer_po_number.clone(),
                String::new(),
                ymd(order.submitted_at.date_naive()),
            ],
        ),
        ("CUR", vec!["BY".into(), order.currency.clone()]),
    ];
    if let Some(requested) = order.requested_date {
        body.push(("DTM", vec!["002".into(), ymd(requested)]));
    }
    for l in &p.lines {
        body.push((
            "PO1",
            vec![
                l.line_number.to_string(),
                number(*l.quantity),
                unit(l.unit),
                number(*l.unit_price),
                String::new(),
                "VP".into(),
                sku(&p.products, l.product_id)?,
            ],
        ));
    }
    body.push(("CTT", vec![p.lines.len().to_string()]));
    let set = OutSet {
        id: "850",
        body,
        links: Links {
            order_id: Some(order.id),
            reference: Some(order.buyer_po_number.clone()),
            ..Links::default()
        },
        ship_notice_late: false,
    };
    send_one(db, &p, "PO", set).await
}
