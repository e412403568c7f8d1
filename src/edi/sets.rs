//! Transaction set bodies, read with the `x12-types` crate.
//!
//! What the crate does: typed structs for the v005010 sets used here (850, 855, 856, 810,
//! 846, 852, and the 997) with their loops, parsed from text with `nom`, every segment's
//! elements in order and code elements as enums that keep unknown codes.
//!
//! What it does not do, and this module and [`super::envelope`] do instead:
//! - it reads only `*` and `~`: each set is re-written with those before it is read, and a
//!   `*`, `~`, `:` or `^` inside a value becomes a space for it (no field mapped from it may
//!   hold one: PO numbers and SKUs refuse them; the stored document keeps the original);
//! - its v004010 module has no 850, 855, 846 or 852, so 004010 sets are read with the
//!   v005010 types: the segments and elements mapped here have the same layout in both;
//! - it does not check counts or control numbers (the envelope does: SE01, ST02/SE02,
//!   GS06/GE02, GE01, ISA13/IEA02, IEA01), nor split an interchange into groups and sets;
//! - it stops silently at a segment it does not expect: the unread rest is reported as that
//!   segment's fault, by its position in the interchange;
//! - a truncated segment can make it panic: every read runs under `catch_unwind`, and a
//!   panic refuses the set instead of the server.
//!
//! Writing does not use the crate: the server's own documents are written segment by
//! segment (see [`super::outbound`]) and read back with these readers in the tests.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use x12_types::util::Parser;
use x12_types::v005010::{_810, _830, _846, _850, _852, _855, _856, _860, _865};

use super::envelope::{Delimiters, Problem, TransactionSet};
use super::writer::segment;

/// A purchase order as an 850 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseOrder {
    /// BEG01: `00` original, `01` cancellation, …
    pub purpose: String,
    /// BEG03: the buyer's PO number.
    pub po_number: String,
    /// BEG05.
    pub order_date: Option<NaiveDate>,
    /// CUR02.
    pub currency: Option<String>,
    /// DTM with qualifier 002 (delivery requested).
    pub requested_date: Option<NaiveDate>,
    /// N1 loop with entity code ST: its name and its identification (N103/N104).
    pub ship_to: Option<Party>,
    pub lines: Vec<PurchaseLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub name: Option<String>,
    pub id_qualifier: Option<String>,
    pub id: Option<String>,
}

/// One PO1 line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseLine {
    /// PO101.
    pub line_number: String,
    /// PO102.
    pub quantity: Option<Decimal>,
    /// PO103, an X12 unit code.
    pub unit: String,
    /// PO104.
    pub unit_price: Option<Decimal>,
    /// The vendor's (our) part number: qualifier VP or VN.
    pub sku: Option<String>,
    /// The buyer's part number: qualifier BP.
    pub buyer_part_number: Option<String>,
    /// A GTIN: qualifier UP, EN or UK.
    pub gtin: Option<String>,
}

/// The set's segments as the crate reads them: ST, body, SE, with `*` and `~`.
fn standard_text(set: &TransactionSet) -> String {
    let d = Delimiters::STANDARD;
    let mut out = segment("ST", &[&set.id, &set.control_number], d);
    for s in &set.body {
        let elements: Vec<&str> = s.elements.iter().map(String::as_str).collect();
        out.push_str(&segment(&s.id, &elements, d));
    }
    out.push_str(&segment(
        "SE",
        &[&(set.body.len() + 2).to_string(), &set.control_number],
        d,
    ));
    out
}

/// A set refused for a segment in error (997 code 5).
fn fault(position: usize, segment: &str, message: impl Into<String>) -> Problem {
    Problem {
        code: "5",
        position,
        segment: segment.to_owned(),
        element: None,
        segment_note: None,
        element_note: None,
        message: message.into(),
    }
}

/// Where the crate stopped: the segment that starts `rest`, by position in the interchange.
fn unread(set: &TransactionSet, text: &str, rest: &str) -> Problem {
    let consumed = text.len().saturating_sub(rest.len());
    let index = text[..consumed].matches('~').count();
    // Index 0 is ST; body segments follow it.
    let (position, id) = match index.checked_sub(1).and_then(|i| set.body.get(i)) {
        Some(s) => (s.position, s.id.clone()),
        None => (set.position, "SE".to_owned()),
    };
    fault(
        position,
        &id,
        format!("{id} is not expected here in a {}", set.id),
    )
}

fn date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y%m%d").ok()
}

pub(crate) fn decimal(value: &str) -> Option<Decimal> {
    Decimal::from_str(value.trim()).ok()
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The segment that makes a line of set `id`, and how many one set may carry.
fn line_segment(id: &str) -> Option<(&'static str, usize)> {
    let orders = crate::orders::model::MAX_LINES;
    let reports = crate::reports::MAX_LINES;
    match id {
        "850" | "855" => Some(("PO1", orders)),
        "860" | "865" => Some(("POC", orders)),
        "810" => Some(("IT1", orders)),
        "856" => Some(("SN1", orders)),
        "846" | "852" => Some(("LIN", reports)),
        "867" => Some(("QTY", reports)),
        "844" => Some(("PAD", crate::channel_money::claims::MAX_LINES)),
        _ => None,
    }
}

/// A set over its line limit, refused at the first line too many: the loop occurs over its
/// maximum (AK304 `4`), not an unexpected segment.
pub fn over_line_limit(set: &TransactionSet) -> Option<Problem> {
    let (line, most) = line_segment(&set.id)?;
    let mut lines = set.body.iter().filter(|s| s.id == line);
    let first_too_many = lines.nth(most)?;
    let count = most + 1 + lines.count();
    let mut p = Problem::at(
        "5",
        first_too_many,
        None,
        format!(
            "a {} carries at most {most} lines ({line} segments); this one has {count}",
            set.id
        ),
    );
    p.segment_note = Some("4");
    Some(p)
}

/// Reads a set with the crate's type `T`, contained: a body the crate cannot read, reads only
/// in part, or panics on is the set's fault, named at the segment where it stopped.
fn typed<T>(set: &TransactionSet) -> Result<T, Problem>
where
    T: for<'a> Parser<&'a str, T, nom::error::Error<&'a str>>,
{
    if let Some(too_many) = over_line_limit(set) {
        return Err(too_many);
    }
    let written = standard_text(set);
    let parsed = catch_unwind(AssertUnwindSafe(|| T::parse(written.as_str())));
    let (rest, value) = match parsed {
        Ok(Ok(ok)) => ok,
        // The crate stopped where it could not go on: name that segment.
        Ok(Err(nom::Err::Error(e) | nom::Err::Failure(e))) => {
            return Err(unread(set, &written, e.input));
        }
        Ok(Err(nom::Err::Incomplete(_))) | Err(_) => {
            return Err(fault(
                set.position,
                "ST",
                format!("the {} could not be read", set.id),
            ));
        }
    };
    if !rest.trim().is_empty() {
        return Err(unread(set, &written, rest));
    }
    Ok(value)
}

/// Reads an 850.
pub fn read_850(set: &TransactionSet) -> Result<PurchaseOrder, Problem> {
    let po: _850 = typed(set)?;
    let currency = po.cur.as_ref().map(|c| c._02.to_string());
    let requested_date = po
        .dtm
        .iter()
        .find(|d| d._01.to_string() == "002")
        .and_then(|d| d._02.as_ref())
        .and_then(|d| date(&d.to_string()));
    let ship_to = po
        .loop_n1
        .iter()
        .find(|l| l.n1._01.to_string() == "ST")
        .map(|l| Party {
            name: text(&l.n1._02),
            id_qualifier: l.n1._03.as_ref().map(|q| q.to_string()),
            id: text(&l.n1._04),
        });
    let lines = po
        .loop_po1
        .iter()
        .map(|l| {
            let p = &l.po1;
            let ids = [
                (p._06.as_ref().map(|q| q.to_string()), &p._07),
                (p._08.as_ref().map(|q| q.to_string()), &p._09),
                (p._10.as_ref().map(|q| q.to_string()), &p._11),
            ];
            let find = |codes: &[&str]| {
                ids.iter()
                    .find(|(q, _)| q.as_deref().is_some_and(|q| codes.contains(&q)))
                    .and_then(|(_, v)| text(v))
            };
            PurchaseLine {
                line_number: p._01.clone().unwrap_or_default(),
                quantity: decimal(&p._02),
                unit: p._03.to_string(),
                unit_price: decimal(&p._04),
                sku: find(&["VP", "VN"]),
                buyer_part_number: find(&["BP"]),
                gtin: find(&["UP", "EN", "UK"]),
            }
        })
        .collect();
    Ok(PurchaseOrder {
        purpose: po.beg._01.clone(),
        po_number: po.beg._03.trim().to_owned(),
        order_date: date(&po.beg._05),
        currency,
        requested_date,
        ship_to,
        lines,
    })
}

/// The id with one of `codes` among (qualifier, id) pairs.
fn id_with(pairs: &[(Option<String>, Option<String>)], codes: &[&str]) -> Option<String> {
    pairs
        .iter()
        .find(|(q, _)| q.as_deref().is_some_and(|q| codes.contains(&q)))
        .and_then(|(_, v)| text(v))
}

fn date_of(value: Option<&String>) -> Option<NaiveDate> {
    value.and_then(|v| date(v))
}

/// A planning schedule as an 830 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanningSchedule {
    /// BFR01: `00` original, `05` replace, …
    pub purpose: String,
    /// BFR02: the schedule's reference.
    pub reference: Option<String>,
    /// BFR04 and BFR05: the schedule's type (`DL` delivery based, `SH` shipment based) and
    /// its quantities (`A` actual, `C` cumulative).
    pub schedule_type: Option<String>,
    pub quantities: Option<String>,
    /// BFR06 and BFR07: the horizon.
    pub starts: Option<NaiveDate>,
    pub ends: Option<NaiveDate>,
    pub items: Vec<PlannedItem>,
}

/// One LIN of an 830 with its forecasts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedItem {
    pub sku: Option<String>,
    /// UIT01.
    pub unit: Option<String>,
    pub forecasts: Vec<Forecast>,
}

/// One FST.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    pub quantity: Option<Decimal>,
    /// FST02: `C` firm, `D` planning, …
    pub kind: Option<String>,
    /// FST03: `W` weekly, `M` monthly, `D` discrete, …
    pub timing: Option<String>,
    /// FST04.
    pub date: Option<NaiveDate>,
}

/// Reads an 830.
pub fn read_830(set: &TransactionSet) -> Result<PlanningSchedule, Problem> {
    let doc: _830 = typed(set)?;
    let items = doc
        .loop_lin
        .iter()
        .map(|l| {
            let ids = [
                (Some(l.lin._02.to_string()), Some(l.lin._03.clone())),
                (l.lin._04.as_ref().map(|q| q.to_string()), l.lin._05.clone()),
            ];
            PlannedItem {
                sku: id_with(&ids, &["VP", "VN", "BP"]),
                unit: l.uit.as_ref().map(|u| u._01.clone()),
                forecasts: l
                    .loop_fst
                    .iter()
                    .map(|f| Forecast {
                        quantity: decimal(&f.fst._01),
                        kind: text(&f.fst._02),
                        timing: text(&f.fst._03),
                        date: date_of(f.fst._04.as_ref()),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(PlanningSchedule {
        purpose: doc.bfr._01.clone(),
        reference: text(&doc.bfr._02),
        schedule_type: text(&doc.bfr._04),
        quantities: text(&doc.bfr._05),
        starts: date_of(doc.bfr._06.as_ref()),
        ends: date_of(doc.bfr._07.as_ref()),
        items,
    })
}

/// A purchase order acknowledgement as an 855 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderAcknowledgement {
    /// BAK02: `AC` with changes, `AD` without, `RJ` rejected, …
    pub kind: String,
    /// BAK03 and BAK04: the buyer's PO number and date.
    pub po_number: String,
    pub po_date: Option<NaiveDate>,
    /// BAK08: the seller's order number.
    pub seller_order: Option<String>,
    pub currency: Option<String>,
    pub lines: Vec<AcknowledgedLine>,
}

/// One PO1 of an 855 with its ACK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcknowledgedLine {
    pub line_number: String,
    pub quantity: Option<Decimal>,
    pub unit: String,
    pub unit_price: Option<Decimal>,
    pub sku: Option<String>,
    /// ACK01: `IA` accepted, `IC` changed, `IB` back-ordered, `IR` rejected, …
    pub status: Option<String>,
    /// ACK02.
    pub status_quantity: Option<Decimal>,
    /// ACK05, the date ACK04 qualifies (068: when it will ship).
    pub date: Option<NaiveDate>,
}

/// Reads an 855.
pub fn read_855(set: &TransactionSet) -> Result<OrderAcknowledgement, Problem> {
    let doc: _855 = typed(set)?;
    let lines = doc
        .loop_po1
        .iter()
        .map(|l| {
            let p = &l.po1;
            let ids = [
                (p._06.as_ref().map(|q| q.to_string()), p._07.clone()),
                (p._08.as_ref().map(|q| q.to_string()), p._09.clone()),
                (p._10.as_ref().map(|q| q.to_string()), p._11.clone()),
            ];
            let ack = l.ack.first();
            AcknowledgedLine {
                line_number: p._01.clone().unwrap_or_default(),
                quantity: decimal(&p._02),
                unit: p._03.to_string(),
                unit_price: decimal(&p._04),
                sku: id_with(&ids, &["VP", "VN"]),
                status: ack.map(|a| a._01.clone()),
                status_quantity: ack.and_then(|a| a._02.as_deref()).and_then(decimal),
                date: ack.and_then(|a| date_of(a._05.as_ref())),
            }
        })
        .collect();
    Ok(OrderAcknowledgement {
        kind: doc.bak._02.clone(),
        po_number: doc.bak._03.trim().to_owned(),
        po_date: date(&doc.bak._04),
        seller_order: text(&doc.bak._08),
        currency: doc.cur.as_ref().map(|c| c._02.to_string()),
        lines,
    })
}

/// A purchase-order change as an 860 carries it (its lines are read from the segments, with
/// their positions, by the intake).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeOrder {
    /// BCH01: `04` change, `01` cancellation, …
    pub purpose: String,
    /// BCH03: the buyer's PO number.
    pub po_number: String,
    /// BCH05: the buyer's change sequence number.
    pub sequence: Option<String>,
    /// BCH06: the PO's date.
    pub po_date: Option<NaiveDate>,
    pub currency: Option<String>,
    pub lines: Vec<ChangeLine>,
}

/// One POC of an 860 or 865, with its ACK in an 865.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeLine {
    /// POC01.
    pub line_number: String,
    /// POC02: `AI`, `DI`, `QI`, `QD`, `PC`, `CT`, `CA`, …
    pub change: String,
    /// POC03 and POC04: the quantity ordered and left to receive.
    pub quantity: Option<Decimal>,
    pub left_to_receive: Option<Decimal>,
    /// POC05.
    pub unit: Option<String>,
    /// POC06.
    pub unit_price: Option<Decimal>,
    /// The (qualifier, id) pairs from POC08.
    pub ids: Vec<(String, String)>,
    /// DTM 002 (delivery requested) in the line's loop.
    pub requested_date: Option<NaiveDate>,
    /// ACK01 and ACK02 of an 865.
    pub status: Option<String>,
    pub status_quantity: Option<Decimal>,
}

/// The (qualifier, id) pairs of a POC, from POC08.
fn poc_ids(p: &x12_types::v005010::POC) -> Vec<(String, String)> {
    [
        (&p._08, &p._09),
        (&p._10, &p._11),
        (&p._12, &p._13),
        (&p._14, &p._15),
        (&p._16, &p._17),
    ]
    .into_iter()
    .filter_map(|(q, v)| Some((text(q)?, text(v)?)))
    .collect()
}

fn change_line(
    p: &x12_types::v005010::POC,
    dtm: &[x12_types::v005010::DTM],
    ack: Option<&x12_types::v005010::ACK>,
) -> ChangeLine {
    ChangeLine {
        line_number: p._01.clone().unwrap_or_default(),
        change: p._02.clone(),
        quantity: p._03.as_deref().and_then(decimal),
        left_to_receive: p._04.as_deref().and_then(decimal),
        unit: text(&p._05),
        unit_price: p._06.as_deref().and_then(decimal),
        ids: poc_ids(p),
        requested_date: dtm
            .iter()
            .find(|d| d._01.to_string() == "002")
            .and_then(|d| d._02.as_ref())
            .and_then(|d| date(&d.to_string())),
        status: ack.map(|a| a._01.clone()),
        status_quantity: ack.and_then(|a| a._02.as_deref()).and_then(decimal),
    }
}

/// Reads an 860.
pub fn read_860(set: &TransactionSet) -> Result<ChangeOrder, Problem> {
    let doc: _860 = typed(set)?;
    Ok(ChangeOrder {
        purpose: doc.bch._01.clone(),
        po_number: doc.bch._03.trim().to_owned(),
        sequence: text(&doc.bch._05),
        po_date: doc.bch._06.as_deref().and_then(date),
        currency: doc.cur.as_ref().map(|c| c._02.to_string()),
        lines: doc
            .loop_poc
            .iter()
            .map(|l| change_line(&l.poc, &l.dtm, None))
            .collect(),
    })
}

/// A purchase-order change acknowledgement as an 865 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeAcknowledgement {
    /// BCA02: `AC` with detail and change, `AT` accepted, `RJ` rejected, …
    pub kind: Option<String>,
    /// BCA03 and BCA05: the buyer's PO number and its change sequence number.
    pub po_number: Option<String>,
    pub sequence: Option<String>,
    pub currency: Option<String>,
    pub lines: Vec<ChangeLine>,
}

/// Reads an 865.
pub fn read_865(set: &TransactionSet) -> Result<ChangeAcknowledgement, Problem> {
    let doc: _865 = typed(set)?;
    Ok(ChangeAcknowledgement {
        kind: text(&doc.bca._02),
        po_number: text(&doc.bca._03),
        sequence: text(&doc.bca._05),
        currency: doc.cur.as_ref().map(|c| c._02.to_string()),
        lines: doc
            .loop_poc
            .iter()
            .map(|l| {
                let ack = l.loop_ack.first().map(|a| &a.ack);
                change_line(&l.poc, &l.dtm, ack)
            })
            .collect(),
    })
}

/// A ship notice as an 856 carries it: shipment, order and item levels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipNotice {
    /// BSN02: the shipper's shipment number.
    pub shipment_number: String,
    /// BSN03.
    pub date: Option<NaiveDate>,
    /// TD503 or TD505: who carries it.
    pub carrier: Option<String>,
    /// REF with qualifier CN (carrier's reference) or BM (bill of lading).
    pub tracking_number: Option<String>,
    /// DTM 011 (shipped) and 017 (estimated delivery).
    pub shipped_on: Option<NaiveDate>,
    pub expected_on: Option<NaiveDate>,
    /// PRF01 of the order level.
    pub po_number: Option<String>,
    pub lines: Vec<ShippedLine>,
}

/// One item level of an 856.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippedLine {
    /// SN101 (or LIN01): the order's line number.
    pub line_number: String,
    pub sku: Option<String>,
    /// SN102 and SN103.
    pub quantity: Option<Decimal>,
    pub unit: String,
}

/// Reads an 856.
pub fn read_856(set: &TransactionSet) -> Result<ShipNotice, Problem> {
    let doc: _856 = typed(set)?;
    let mut notice = ShipNotice {
        shipment_number: doc.bsn._02.trim().to_owned(),
        date: date(&doc.bsn._03),
        carrier: None,
        tracking_number: None,
        shipped_on: None,
        expected_on: None,
        po_number: None,
        lines: Vec::new(),
    };
    let dates = doc
        .dtm
        .iter()
        .chain(doc.loop_hl.iter().flat_map(|l| l.dtm.iter()));
    for d in dates {
        let value = d._02.as_ref().and_then(|v| date(&v.to_string()));
        match d._01.to_string().as_str() {
            "011" => notice.shipped_on = notice.shipped_on.or(value),
            "017" => notice.expected_on = notice.expected_on.or(value),
            _ => {}
        }
    }
    for level in &doc.loop_hl {
        if let Some(td5) = level.td5.first() {
            notice.carrier = notice
                .carrier
                .take()
                .or_else(|| text(&td5._03))
                .or_else(|| text(&td5._05));
        }
        for r in &level.r#ref {
            if matches!(r._01.to_string().as_str(), "CN" | "BM") && notice.tracking_number.is_none()
            {
                notice.tracking_number = text(&r._02);
            }
        }
        if let Some(prf) = &level.prf {
            notice.po_number = notice.po_number.take().or(Some(prf._01.trim().to_owned()));
        }
        if let Some(sn1) = &level.sn1 {
            let lin = level.lin.as_ref();
            let ids: Vec<(Option<String>, Option<String>)> = lin
                .map(|l| {
                    vec![
                        (Some(l._02.to_string()), Some(l._03.clone())),
                        (l._04.as_ref().map(|q| q.to_string()), l._05.clone()),
                        (l._06.as_ref().map(|q| q.to_string()), l._07.clone()),
                    ]
                })
                .unwrap_or_default();
            notice.lines.push(ShippedLine {
                line_number: text(&sn1._01)
                    .or_else(|| lin.and_then(|l| text(&l._01)))
                    .unwrap_or_default(),
                sku: id_with(&ids, &["VP", "VN"]),
                quantity: decimal(&sn1._02.to_string()),
                unit: sn1._03.to_string(),
            });
        }
    }
    Ok(notice)
}

/// An invoice as an 810 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceDocument {
    /// BIG01 and BIG02: the invoice date and number.
    pub date: Option<NaiveDate>,
    pub number: String,
    /// BIG04: the buyer's PO number.
    pub po_number: Option<String>,
    pub currency: Option<String>,
    /// ITD06: the net due date.
    pub due_on: Option<NaiveDate>,
    /// TDS01, which counts hundredths (N2), as an amount.
    pub total: Option<Decimal>,
    pub lines: Vec<InvoicedLine>,
}

/// One IT1 of an 810.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoicedLine {
    pub line_number: String,
    pub quantity: Option<Decimal>,
    pub unit: String,
    pub unit_price: Option<Decimal>,
    pub sku: Option<String>,
}

/// Reads an 810.
pub fn read_810(set: &TransactionSet) -> Result<InvoiceDocument, Problem> {
    let doc: _810 = typed(set)?;
    let lines = doc
        .loop_it1
        .iter()
        .map(|l| {
            let i = &l.it1;
            let ids = [
                (i._06.as_ref().map(|q| q.to_string()), i._07.clone()),
                (i._08.as_ref().map(|q| q.to_string()), i._09.clone()),
                (i._10.as_ref().map(|q| q.to_string()), i._11.clone()),
            ];
            InvoicedLine {
                line_number: i._01.clone().unwrap_or_default(),
                quantity: i._02.as_deref().and_then(decimal),
                unit: i._03.as_ref().map(|u| u.to_string()).unwrap_or_default(),
                unit_price: i._04.as_deref().and_then(decimal),
                sku: id_with(&ids, &["VP", "VN"]),
            }
        })
        .collect();
    Ok(InvoiceDocument {
        date: date(&doc.big._01.to_string()),
        number: doc.big._02.trim().to_owned(),
        po_number: text(&doc.big._04),
        currency: doc.cur.as_ref().map(|c| c._02.to_string()),
        due_on: doc.itd.first().and_then(|t| date_of(t._06.as_ref())),
        total: decimal(&doc.tds._01.to_string()).map(|cents| cents / Decimal::from(100)),
        lines,
    })
}

/// The (qualifier, id) pairs of a LIN.
fn lin_ids(l: &x12_types::v005010::LIN) -> Vec<(Option<String>, Option<String>)> {
    vec![
        (Some(l._02.to_string()), Some(l._03.clone())),
        (l._04.as_ref().map(|q| q.to_string()), l._05.clone()),
        (l._06.as_ref().map(|q| q.to_string()), l._07.clone()),
    ]
}

/// Stock on a date as an 846 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryAdvice {
    /// BIA03 and BIA04: the report's reference and date.
    pub reference: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub lines: Vec<StockLine>,
}

/// One LIN of an 846 and its quantities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLine {
    pub sku: Option<String>,
    /// QTY 17 (on hand), or else 33 (available for sale).
    pub on_hand: Option<Decimal>,
    /// QTY 63 (on order).
    pub on_order: Option<Decimal>,
}

/// Reads an 846.
pub fn read_846(set: &TransactionSet) -> Result<InventoryAdvice, Problem> {
    let doc: _846 = typed(set)?;
    let lines = doc
        .loop_lin
        .iter()
        .map(|l| {
            let quantity = |codes: &[&str]| {
                codes.iter().find_map(|code| {
                    l.loop_qty
                        .iter()
                        .find(|q| q.qty._01.to_string() == *code)
                        .and_then(|q| q.qty._02.as_deref())
                        .and_then(decimal)
                })
            };
            StockLine {
                sku: id_with(&lin_ids(&l.lin), &["VP", "VN"]),
                on_hand: quantity(&["17", "33"]),
                on_order: quantity(&["63"]),
            }
        })
        .collect();
    Ok(InventoryAdvice {
        reference: text(&doc.bia._03),
        as_of: doc.bia._04.as_ref().and_then(|d| date(&d.to_string())),
        lines,
    })
}

/// Sales over a period as an 852 carries them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductActivity {
    /// XQ02 and XQ03.
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub lines: Vec<ActivityLine>,
}

/// One LIN of an 852 and what was sold of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityLine {
    pub sku: Option<String>,
    /// The sum of its ZA QS (quantity sold) quantities.
    pub quantity_sold: Option<Decimal>,
}

/// Reads an 852.
pub fn read_852(set: &TransactionSet) -> Result<ProductActivity, Problem> {
    let doc: _852 = typed(set)?;
    let lines = doc
        .loop_lin
        .iter()
        .map(|l| {
            let sold: Vec<Option<Decimal>> = l
                .loop_za
                .iter()
                .filter(|z| z.za._01.as_deref() == Some("QS"))
                .map(|z| z.za._02.as_deref().and_then(decimal))
                .collect();
            let quantity_sold = if sold.is_empty() || sold.contains(&None) {
                None
            } else {
                Some(sold.into_iter().flatten().sum())
            };
            ActivityLine {
                sku: id_with(&lin_ids(&l.lin), &["VP", "VN"]),
                quantity_sold,
            }
        })
        .collect();
    Ok(ProductActivity {
        period_start: date_of(doc.xq._02.as_ref()),
        period_end: date_of(doc.xq._03.as_ref()),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::super::envelope::parse;
    use super::*;

    fn one_set(element: char, segment: char, version: &str, body: &[&str]) -> TransactionSet {
        let set = set_of("850", element, segment, version, body);
        assert_eq!(set.problem, None);
        set
    }

    /// A set `id` around `body` (written with `*`), in an interchange with these delimiters
    /// and version, read back through the envelope.
    fn set_of(
        id: &str,
        element: char,
        segment: char,
        version: &str,
        body: &[&str],
    ) -> TransactionSet {
        let isa = [
            "ISA",
            "00",
            "          ",
            "00",
            "          ",
            "ZZ",
            "DIST-001       ",
            "ZZ",
            "AURORA         ",
            "261122",
            "1200",
            if version == "004010" { "U" } else { "^" },
            if version == "004010" {
                "00401"
            } else {
                "00501"
            },
            "000000042",
            "0",
            "P",
        ]
        .join(&element.to_string());
        let mut raw = format!("{isa}{element}>{segment}");
        let gs = format!("GS*PO*DIST-001*AURORA*20261122*1200*7*X*{version}");
        let st_count = (body.len() + 2).to_string();
        let mut segments = vec![gs, format!("ST*{id}*0001")];
        segments.extend(body.iter().map(|s| (*s).to_owned()));
        segments.push(format!("SE*{st_count}*0001"));
        segments.push("GE*1*7".to_owned());
        segments.push("IEA*1*000000042".to_owned());
        for s in segments {
            raw.push_str(&s.replace('*', &element.to_string()));
            raw.push(segment);
        }
        let x = parse(&raw).unwrap();
        x.groups[0].sets[0].clone()
    }

    const BODY: [&str; 7] = [
        "BEG*00*SA*NL-2026-118**20261122",
        "CUR*BY*EUR",
        "DTM*002*20261207",
        "N1*ST*Nordlicht Lager Süd*UL*4006381333931",
        "PO1*1*12*EA*3444**VP*HP-100*BP*NL-HP",
        "PO1*2*40*EA*154.98**UP*400638100104*VP*CTL-SMART",
        "CTT*2",
    ];

    #[test]
    fn an_850_in_005010_gives_the_order_its_lines_and_ship_to() {
        let po = read_850(&one_set('*', '~', "005010", &BODY)).unwrap();
        assert_eq!(po.purpose, "00");
        assert_eq!(po.po_number, "NL-2026-118");
        assert_eq!(po.order_date, NaiveDate::from_ymd_opt(2026, 11, 22));
        assert_eq!(po.currency.as_deref(), Some("EUR"));
        assert_eq!(po.requested_date, NaiveDate::from_ymd_opt(2026, 12, 7));
        let ship_to = po.ship_to.unwrap();
        assert_eq!(ship_to.name.as_deref(), Some("Nordlicht Lager Süd"));
        assert_eq!(ship_to.id.as_deref(), Some("4006381333931"));
        assert_eq!(po.lines.len(), 2);
        let first = &po.lines[0];
        assert_eq!(first.line_number, "1");
        assert_eq!(first.quantity, Some(Decimal::from(12)));
        assert_eq!(first.unit, "EA");
        assert_eq!(first.unit_price, Some(Decimal::from(3444)));
        assert_eq!(first.sku.as_deref(), Some("HP-100"));
        assert_eq!(first.buyer_part_number.as_deref(), Some("NL-HP"));
        assert_eq!(po.lines[1].gtin.as_deref(), Some("400638100104"));
        assert_eq!(po.lines[1].sku.as_deref(), Some("CTL-SMART"));
    }

    #[test]
    fn an_850_in_004010_with_other_delimiters_reads_the_same() {
        let a = read_850(&one_set('*', '~', "005010", &BODY)).unwrap();
        let b = read_850(&one_set('|', '\n', "004010", &BODY)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn an_unexpected_segment_is_named_with_its_position() {
        let mut body = BODY.to_vec();
        body.insert(4, "ZZZ*1*2");
        let set = one_set('*', '~', "005010", &body);
        let p = read_850(&set).unwrap_err();
        assert_eq!(p.segment, "ZZZ");
        assert_eq!(p.position, set.body[4].position);
        assert_eq!(p.code, "5");
    }

    #[test]
    fn truncated_segments_do_not_panic() {
        for cut in ["BEG", "BEG*00", "PO1", "PO1*1", "N1", "CUR*BY", "DTM"] {
            let mut body = BODY.to_vec();
            body[0] = if cut.starts_with("BEG") { cut } else { BODY[0] };
            if !cut.starts_with("BEG") {
                body.insert(1, cut);
            }
            let set = one_set('*', '~', "005010", &body);
            let _ = read_850(&set);
        }
    }

    const ACK_855: [&str; 6] = [
        "BAK*00*AC*PO-000001*20261129****SO-7*20261130",
        "CUR*SE*EUR",
        "PO1*1*500*EA*4.125**VP*WIDGET-1",
        "ACK*IC*400*EA*068*20261220",
        "PO1*2*10*EA*80**VP*GADGET-1",
        "CTT*2",
    ];

    const ASN_856: [&str; 11] = [
        "BSN*00*SHP-77*20261201*1000",
        "HL*1**S",
        "TD5*B*2*UPS",
        "REF*CN*1Z999",
        "DTM*011*20261201",
        "HL*2*1*O",
        "PRF*PO-000001",
        "HL*3*2*I",
        "LIN*1*VP*WIDGET-1",
        "SN1*1*400*EA",
        "CTT*3",
    ];

    const INVOICE_810: [&str; 7] = [
        "BIG*20261202*R-5501**PO-000001",
        "CUR*SE*EUR",
        "ITD*05*3****20270101*30",
        "IT1*1*400*EA*4.125**VP*WIDGET-1",
        "TXI*VA*313.50",
        "TDS*196350",
        "CTT*1",
    ];

    const STOCK_846: [&str; 6] = [
        "BIA*00*DD*INV-11*20261128",
        "LIN**VP*WIDGET-1",
        "QTY*17*40*EA",
        "QTY*63*100*EA",
        "LIN**VP*GADGET-1*UP*400638100104",
        "QTY*33*3*EA",
    ];

    const SALES_852: [&str; 5] = [
        "XQ*H*20261101*20261130",
        "LIN**VP*WIDGET-1",
        "ZA*QS*12*EA",
        "ZA*QS*3*EA",
        "CTT*1",
    ];

    /// Reads `body` as set `id` in 005010 with `*` and `~`, and in 004010 with `|` and line
    /// breaks; both readings must agree.
    fn both<T: PartialEq + std::fmt::Debug>(
        id: &str,
        body: &[&str],
        read: fn(&TransactionSet) -> Result<T, Problem>,
    ) -> T {
        let a = set_of(id, '*', '~', "005010", body);
        let b = set_of(id, '|', '\n', "004010", body);
        assert_eq!((&a.problem, &b.problem), (&None, &None));
        let (a, b) = (read(&a).unwrap(), read(&b).unwrap());
        assert_eq!(a, b);
        a
    }

    #[test]
    fn an_855_in_both_versions() {
        let ack = both("855", &ACK_855, read_855);
        assert_eq!(ack.kind, "AC");
        assert_eq!(ack.po_number, "PO-000001");
        assert_eq!(ack.seller_order.as_deref(), Some("SO-7"));
        assert_eq!(ack.lines[0].status.as_deref(), Some("IC"));
        assert_eq!(ack.lines[0].status_quantity, Some(Decimal::from(400)));
        assert_eq!(ack.lines[0].date, NaiveDate::from_ymd_opt(2026, 12, 20));
        assert_eq!(ack.lines[1].status, None);
        assert_eq!(ack.lines[1].sku.as_deref(), Some("GADGET-1"));
    }

    #[test]
    fn an_856_in_both_versions() {
        let notice = both("856", &ASN_856, read_856);
        assert_eq!(notice.shipment_number, "SHP-77");
        assert_eq!(notice.carrier.as_deref(), Some("UPS"));
        assert_eq!(notice.tracking_number.as_deref(), Some("1Z999"));
        assert_eq!(notice.shipped_on, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(notice.po_number.as_deref(), Some("PO-000001"));
        assert_eq!(
            notice.lines,
            [ShippedLine {
                line_number: "1".into(),
                sku: Some("WIDGET-1".into()),
                quantity: Some(Decimal::from(400)),
                unit: "EA".into(),
            }]
        );
    }

    #[test]
    fn an_810_in_both_versions() {
        let invoice = both("810", &INVOICE_810, read_810);
        assert_eq!(invoice.number, "R-5501");
        assert_eq!(invoice.po_number.as_deref(), Some("PO-000001"));
        assert_eq!(invoice.due_on, NaiveDate::from_ymd_opt(2027, 1, 1));
        assert_eq!(invoice.total, Some(Decimal::new(196350, 2)));
        assert_eq!(invoice.lines[0].unit_price, Some(Decimal::new(4125, 3)));
    }

    #[test]
    fn an_846_and_an_852_in_both_versions() {
        let stock = both("846", &STOCK_846, read_846);
        assert_eq!(stock.as_of, NaiveDate::from_ymd_opt(2026, 11, 28));
        assert_eq!(stock.lines[0].on_hand, Some(Decimal::from(40)));
        assert_eq!(stock.lines[0].on_order, Some(Decimal::from(100)));
        assert_eq!(stock.lines[1].sku.as_deref(), Some("GADGET-1"));
        assert_eq!(stock.lines[1].on_hand, Some(Decimal::from(3)));
        let sales = both("852", &SALES_852, read_852);
        assert_eq!(sales.period_end, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(sales.lines[0].quantity_sold, Some(Decimal::from(15)));
    }

    #[test]
    fn no_reader_panics_on_any_cut_of_any_segment() {
        type Reads = fn(&TransactionSet) -> bool;
        let cases: [(&str, &[&str], Reads); 6] = [
            ("850", &BODY, |s| read_850(s).is_ok()),
            ("855", &ACK_855, |s| read_855(s).is_ok()),
            ("856", &ASN_856, |s| read_856(s).is_ok()),
            ("810", &INVOICE_810, |s| read_810(s).is_ok()),
            ("846", &STOCK_846, |s| read_846(s).is_ok()),
            ("852", &SALES_852, |s| read_852(s).is_ok()),
        ];
        for (id, body, read) in cases {
            for (i, segment) in body.iter().enumerate() {
                for cut in 1..segment.len() {
                    if segment.is_char_boundary(cut) && !segment[..cut].ends_with('*') {
                        let mut cut_body = body.to_vec();
                        cut_body[i] = &segment[..cut];
                        let set = set_of(id, '*', '~', "005010", &cut_body);
                        // Read or refused; either way, no panic escapes.
                        if set.problem.is_none() {
                            read(&set);
                        }
                    }
                }
            }
            assert!(
                read(&set_of(id, '*', '~', "005010", body)),
                "{id} reads whole"
            );
        }
    }
}
