//! Receiving an interchange: who sent it, whether it was seen before, each set applied in its
//! own transaction, and the acknowledgements written back.
//!
//! The order of work: the sender is checked against the caller; an interchange whose
//! envelope is faulty is stored as refused and answered with a TA1; otherwise it is claimed
//! by its sender and ISA13 (a unique index makes a second claim a duplicate, answered with
//! TA1 note 025 and applied to nothing). Each set is then applied on its own: a duplicate
//! (the same GS06 and ST02 already applied) or a set the trade model refuses changes
//! nothing, and the other sets go on. Every group but a 997 group is answered with a 997;
//! the answer interchange takes its control numbers from the partner's own counter. Test
//! interchanges (ISA15 `T`) are checked all the way through the trade model and then rolled
//! back: they are answered as production ones would be and change no trade data.

use entity::enums::{EdiDirection, EdiStatus, EdiUsage, InterchangeAcks, TextEncoding};
use entity::{edi_document, edi_interchange, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use super::clip;
use super::envelope::{
    self, Delimiters, Group, Interchange, InterchangeError, Problem, TransactionSet, Usage,
};
use super::mapping::{self, Applied, Failure};
use super::outbound::{self, Links, OutGroup, OutSet, Route};
use super::{ack, partners, reconcile, writer};
use super::{changes, purchase_orders, reports, resales, suppliers};
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::reactions::Reactions;
use crate::settings::TradeSettings;
use crate::store::now;
use crate::writes::Writes;

/// What receiving an interchange stored and answered.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub interchange: edi_interchange::Model,
    /// Its transaction sets, as stored.
    pub documents: Vec<edi_document::Model>,
    pub acknowledgements: Vec<edi_interchange::Model>,
}

fn document_field(message: impl Into<String>, code: ErrorCode) -> Error {
    Error::user(&["input", "document"], code, message)
}

/// Most transaction sets one interchange may carry; those past it are refused, each in its
/// 997, and the rest are applied.
pub const MAX_SETS: usize = 1000;

/// An interchange as it arrived: the bytes of an HTTP body, read in the partner's encoding,
/// or text already (a GraphQL string), read as it is.
#[derive(Clone, Copy, Debug)]
pub enum Received<'a> {
    Bytes(&'a [u8]),
    Text(&'a str),
}

impl Received<'_> {
    /// The text in the partner's encoding. Bytes that are not UTF-8 become U+FFFD, which the
    /// envelope refuses in any element, naming it.
    pub fn decode(self, encoding: TextEncoding) -> String {
        match (self, encoding) {
            (Received::Text(text), _) => text.to_owned(),
            (Received::Bytes(raw), TextEncoding::Utf8) => String::from_utf8_lossy(raw).into_owned(),
            (Received::Bytes(raw), TextEncoding::Iso88591) => {
                raw.iter().map(|&b| char::from(b)).collect()
            }
        }
    }
}

/// Text as it can be stored on every database: NUL, which PostgreSQL's text cannot hold,
/// as U+FFFD. Whatever holds one is refused; the stored copy shows where it was.
fn storable(text: &str) -> String {
    text.replace('\0', "\u{fffd}")
}

/// The partner an interchange is from and the brand, each with its profile: the caller's
/// own organization for partners (which the ISA must name: see [`receive`]), the
/// organization the ISA names for the brand's people.
async fn partner_and_brand(
    db: &DatabaseConnection,
    principal: &Principal,
    sender: Option<&str>,
    raw: &str,
) -> Result<[(organization::Model, partners::Profile); 2]> {
    let id = match principal.partner_organization() {
        Some(own) => own,
        None => named_sender(db, sender, raw).await?.id,
    };
    let (sender, brand) = partners::with_brand(db, id).await?;
    let sender = sender.ok_or(Error::Unauthenticated)?;
    let brand = brand.ok_or_else(|| {
        document_field("the directory has no brand to send to", ErrorCode::NotFound)
    })?;
    Ok([sender, brand])
}

/// The organization the ISA names, for the brand's people.
async fn named_sender(
    db: &DatabaseConnection,
    sender: Option<&str>,
    raw: &str,
) -> Result<organization::Model> {
    let Some(sender) = sender else {
        let reason = envelope::parse(raw)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "the ISA cannot be read".into());
        return Err(document_field(reason, ErrorCode::Invalid));
    };
    partners::named(db, sender).await?.ok_or_else(|| {
        document_field(
            format!("no partner has the EDI id `{sender}` (ISA06)"),
            ErrorCode::NotFound,
        )
    })
}

/// The set as text, ST to SE, with the interchange's delimiters.
fn set_text(set: &TransactionSet, d: Delimiters) -> String {
    let body: Vec<(&str, Vec<String>)> = set
        .body
        .iter()
        .map(|s| (s.id.as_str(), s.elements.clone()))
        .collect();
    writer::set(&set.id, &set.control_number, &body, d)
}

/// The audit record of an interchange received: who sent it, its control number, and what
/// became of it (the raw text stays in the interchange, not in the trail).
async fn audited(
    db: &impl ConnectionTrait,
    principal: &Principal,
    row: &edi_interchange::Model,
) -> Result<()> {
    let mut writes = Writes::new();
    audited_into(&mut writes, principal, row);
    writes.run(db).await
}

/// [`audited`], gathered into `writes`.
fn audited_into(writes: &mut Writes, principal: &Principal, row: &edi_interchange::Model) {
    let after = |v: serde_json::Value| serde_json::json!({ "before": null, "after": v });
    crate::audit::changes_into(
        writes,
        principal,
        crate::audit::Action::EdiInterchangeReceive,
        Some(row.id),
        serde_json::json!({
            "controlNumber": after(serde_json::json!(row.control_number)),
            "senderId": after(serde_json::json!(row.sender_id)),
            "receiverId": after(serde_json::json!(row.receiver_id)),
            "usage": after(serde_json::json!(row.usage)),
            "status": after(serde_json::json!(row.status)),
            "message": after(serde_json::json!(row.message)),
        }),
    );
}

fn isa_fault(note: &'static str, element: usize, message: String) -> InterchangeError {
    InterchangeError {
        note,
        position: 1,
        segment: "ISA".into(),
        element: Some(element),
        message,
    }
}

/// The parties of an interchange and how they trade.
struct Parties {
    /// The sender.
    org: organization::Model,
    profile: partners::Profile,
    /// Who it was sent to: the brand, or a seller of the sender's its 850s go to.
    receiver: organization::Model,
    receiver_profile: partners::Profile,
    /// The receiver, when it is not the brand.
    seller: Option<organization::Model>,
}

impl Parties {
    /// The route of an answer: from the receiver to the sender, in the version of the
    /// interchange it answers, with the sender's separators when it has set ones.
    fn answer(&self, version: &str, received: Delimiters) -> Route {
        let mut route = Route::between(&self.receiver_profile, &self.profile);
        route.version = version.to_owned();
        if !self.profile.configured {
            route.delimiters = received;
        }
        route
    }
}

/// Receives one interchange from the caller: its bytes, read in the sender's encoding.
pub async fn receive(
    db: &DatabaseConnection,
    principal: &Principal,
    raw: Received<'_>,
    trade: &TradeSettings,
) -> Result<Receipt> {
    principal.ensure_can_exchange_edi()?;
    let first_reading = raw.decode(TextEncoding::Utf8);
    let summary = envelope::isa_summary(&first_reading);
    let [(org, profile), (brand, brand_profile)] = partner_and_brand(
        db,
        principal,
        summary.as_ref().map(|s| s.sender_id.as_str()),
        &first_reading,
    )
    .await?;
    if principal.partner_organization().is_some()
        && let Some(sender) = summary.as_ref().map(|s| s.sender_id.as_str())
        && !partners::names(&org, &profile, sender)
    {
        return Err(Error::Forbidden(format!(
            "ISA06 does not name your organization; it sends as `{}`",
            profile.id
        )));
    }
    let text = raw.decode(profile.encoding);
    let summary = envelope::isa_summary(&text);
    let mut parties = Parties {
        org,
        profile,
        receiver: brand.clone(),
        receiver_profile: brand_profile.clone(),
        seller: None,
    };
    let x = match envelope::parse(&text) {
        Ok(x) => x,
        Err(e) => return refuse(db, principal, &parties, &text, summary, &e).await,
    };
    if !partners::names(&brand, &brand_profile, &x.receiver_id) {
        // A seller in the channel receives only from those it sells to; any other id is
        // answered alike, so that nobody learns from the answer whom an id names.
        match partners::named(db, &x.receiver_id).await? {
            Some(seller) if sells_to(db, &seller, &parties.org).await? => {
                parties.receiver_profile = partners::profile(db, &seller).await?;
                parties.receiver = seller.clone();
                parties.seller = Some(seller);
            }
            _ => {
                let e = isa_fault(
                    "008",
                    8,
                    format!(
                        "ISA08 `{}` names no seller of yours; send to `{}`, or to the id of a \
                         distributor you buy from",
                        x.receiver_id, brand_profile.id
                    ),
                );
                return refuse(db, principal, &parties, &text, summary, &e).await;
            }
        }
    }
    if let Some(e) = envelope_fault(&parties, &x) {
        return refuse(db, principal, &parties, &text, summary, &e).await;
    }
    let Parties { org, .. } = &parties;
    let inbound = edi_interchange::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(org.id),
        direction: Set(EdiDirection::Inbound),
        usage: Set(x.usage.into()),
        sender_id: Set(clip(&x.sender_id, 35)),
        receiver_id: Set(clip(&x.receiver_id, 35)),
        control_number: Set(Some(x.control_number.clone())),
        version: Set(Some(x.version.clone())),
        status: Set(EdiStatus::Accepted),
        message: Set(None),
        content: Set(storable(&text)),
        answers_id: Set(None),
        dedupe_key: Set(Some(format!("{:?}:{}", x.usage, x.control_number))),
        created_at: Set(now()),
    };
    // The interchange and its audit record commit together (one statement on PostgreSQL);
    // a duplicate's claim fails and leaves neither.
    let row = sea_orm::TryIntoModel::try_into_model(inbound.clone())?;
    let mut writes = Writes::new();
    writes.insert(inbound);
    audited_into(&mut writes, principal, &row);
    let claimed = writes.run_alone(db).await.map(|()| row);
    let inbound = match claimed {
        Ok(row) => row,
        Err(e) if e.unique_violation().is_some() => {
            let duplicate = isa_fault(
                "025",
                13,
                format!(
                    "interchange {} from {} was received before; it is not applied again",
                    x.control_number, org.code
                ),
            );
            return refuse(db, principal, &parties, &text, summary, &duplicate).await;
        }
        Err(e) => return Err(e),
    };
    // Applied in a task of its own: a request stopped by its timeout, or whose client went
    // away, leaves the interchange to finish, its 997s stored where the partner reads them
    // (`ediInterchanges`), or its claim released if applying it fails.
    let task = {
        let (db, principal, trade) = (db.clone(), principal.clone(), trade.clone());
        crate::audit::spawn_for_request(async move {
            apply_claimed(&db, &principal, &parties, &x, inbound, &trade).await
        })
    };
    task.await
        .map_err(|e| Error::Internal(format!("an interchange's intake stopped: {e}")))?
}

/// Applies an interchange claimed by its sender; if that fails, releases the claim so that
/// the partner can send it again.
async fn apply_claimed(
    db: &DatabaseConnection,
    principal: &Principal,
    parties: &Parties,
    x: &Interchange,
    inbound: edi_interchange::Model,
    trade: &TradeSettings,
) -> Result<Receipt> {
    match apply_groups(db, principal, parties, x, inbound.clone(), trade).await {
        Ok(receipt) => Ok(receipt),
        Err(e) => {
            // Sets already applied are recognised by their own control numbers.
            let mut row: edi_interchange::ActiveModel = inbound.into();
            row.status = Set(EdiStatus::Rejected);
            row.dedupe_key = Set(None);
            row.message = Set(Some(
                "the server failed while applying it; send it again".into(),
            ));
            if let Err(update) = row.update(db).await {
                tracing::error!(error = %update, "could not release an interchange's claim");
            }
            Err(e)
        }
    }
}

/// A GS02 that does not name the sender (AK9 code 7) or a GS03 that does not name the
/// receiver (code 8), when the group is otherwise sound.
fn group_fault(parties: &Parties, group: &Group) -> Option<Problem> {
    if group.problem.is_some() {
        return None;
    }
    let gs = envelope::Segment {
        id: "GS".into(),
        elements: Vec::new(),
        position: group.position,
    };
    if !partners::names(&parties.org, &parties.profile, &group.sender) {
        return Some(Problem::at(
            "7",
            &gs,
            Some(2),
            format!(
                "GS02 `{}` does not name {}; it sends as `{}`",
                group.sender, parties.org.code, parties.profile.group_id
            ),
        ));
    }
    if !partners::names(
        &parties.receiver,
        &parties.receiver_profile,
        &group.receiver,
    ) {
        return Some(Problem::at(
            "8",
            &gs,
            Some(3),
            format!(
                "GS03 `{}` does not name the receiver the ISA names; send to `{}`",
                group.receiver, parties.receiver_profile.group_id
            ),
        ));
    }
    None
}

/// Whether `seller` sells to `buyer` over a live channel link.
async fn sells_to(
    db: &DatabaseConnection,
    seller: &organization::Model,
    buyer: &organization::Model,
) -> Result<bool> {
    use entity::channel_link;
    Ok(seller.id != buyer.id
        && channel_link::Entity::find()
            .filter(channel_link::Column::UpstreamId.eq(seller.id))
            .filter(channel_link::Column::DownstreamId.eq(buyer.id))
            .filter(channel_link::Column::Status.eq(entity::enums::ChannelLinkStatus::Active))
            .filter(crate::access::live_links())
            .one(db)
            .await?
            .is_some())
}

/// What the parties' profiles refuse in an envelope that reads well: a qualifier other than
/// the one set up, or test traffic from a partner not taking it.
fn envelope_fault(parties: &Parties, x: &Interchange) -> Option<InterchangeError> {
    let differs = |given: &str, set_up: &str| !given.trim().eq_ignore_ascii_case(set_up);
    if parties.profile.configured && differs(&x.sender_qualifier, &parties.profile.qualifier) {
        return Some(isa_fault(
            "005",
            5,
            format!(
                "ISA05 `{}` is not the qualifier {} is set up with: `{}`",
                x.sender_qualifier, parties.org.code, parties.profile.qualifier
            ),
        ));
    }
    let receiver = &parties.receiver_profile;
    if receiver.configured && differs(&x.receiver_qualifier, &receiver.qualifier) {
        return Some(isa_fault(
            "007",
            7,
            format!(
                "ISA07 `{}` is not the qualifier of `{}`: `{}`",
                x.receiver_qualifier, receiver.id, receiver.qualifier
            ),
        ));
    }
    if x.usage == Usage::Test && !parties.profile.test_traffic {
        return Some(isa_fault(
            "020",
            15,
            format!(
                "{} is not set up to send test interchanges (ISA15 `T`)",
                parties.org.code
            ),
        ));
    }
    None
}

/// Stores an interchange refused as a whole and answers it with a TA1, when its ISA can be
/// read well enough to answer.
async fn refuse(
    db: &DatabaseConnection,
    principal: &Principal,
    parties: &Parties,
    raw: &str,
    summary: Option<envelope::IsaSummary>,
    error: &InterchangeError,
) -> Result<Receipt> {
    let org = &parties.org;
    let status = if error.note == "025" {
        EdiStatus::Duplicate
    } else {
        EdiStatus::Rejected
    };
    // A refused interchange applies nothing; production unless its ISA says test.
    let x_usage = match summary.as_ref().and_then(|s| s.usage) {
        Some(Usage::Test) => EdiUsage::Test,
        _ => EdiUsage::Production,
    };
    let inbound = edi_interchange::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(org.id),
        direction: Set(EdiDirection::Inbound),
        usage: Set(x_usage),
        sender_id: Set(clip(
            summary
                .as_ref()
                .map(|s| s.sender_id.as_str())
                .unwrap_or(&org.code),
            35,
        )),
        receiver_id: Set(clip(
            summary
                .as_ref()
                .map(|s| s.receiver_id.as_str())
                .unwrap_or(&parties.receiver.code),
            35,
        )),
        control_number: Set(summary.as_ref().map(|s| clip(&s.control_number, 9))),
        version: Set(None),
        status: Set(status),
        message: Set(Some(error.to_string())),
        content: Set(storable(raw)),
        answers_id: Set(None),
        dedupe_key: Set(None),
        created_at: Set(now()),
    };
    let reserved = match &summary {
        Some(_) => Some(outbound::reserve(db, org.id, outbound::numbers_needed(&[])).await?),
        None => None,
    };
    let txn = crate::db::begin_write(db).await?;
    let inbound = inbound.insert(&txn).await?;
    audited(&txn, principal, &inbound).await?;
    let mut acknowledgements = Vec::new();
    if let Some(summary) = summary {
        // A TA1 goes back in the version of the interchange it answers; one whose ISA12
        // cannot be read is answered in the version the partner is sent.
        let version = summary
            .version
            .clone()
            .unwrap_or_else(|| parties.profile.interchange_version.clone());
        let route = parties.answer(&version, summary.delimiters);
        let ta1 = writer::ta1(&summary, Some(error), route.delimiters);
        let answer = outbound::send(
            &txn,
            org,
            route,
            inbound.usage,
            Some(inbound.id),
            Some(ta1),
            Vec::new(),
            reserved,
        )
        .await?;
        acknowledgements.push(answer);
    }
    crate::db::commit(txn).await?;
    Ok(Receipt {
        interchange: inbound,
        documents: Vec::new(),
        acknowledgements,
    })
}

/// What became of one set, for its document row and its 997.
struct SetResult {
    status: EdiStatus,
    problem: Option<Problem>,
    applied: Applied,
}

async fn apply_groups(
    db: &DatabaseConnection,
    principal: &Principal,
    parties: &Parties,
    x: &Interchange,
    inbound: edi_interchange::Model,
    trade: &TradeSettings,
) -> Result<Receipt> {
    let acting = principal.for_edi();
    let org = &parties.org;
    let mut replies = Vec::new();
    let mut documents = Vec::new();
    let (mut accepted, mut duplicates, mut total) = (0, 0, 0);
    for group in &x.groups {
        // GS02 and GS03 name the parties the ISA names, by any id they are known by.
        let checked;
        let group = match group_fault(parties, group) {
            Some(problem) => {
                checked = Group {
                    problem: Some(problem),
                    ..group.clone()
                };
                &checked
            }
            None => group,
        };
        let mut outcomes = Vec::new();
        for set in &group.sets {
            total += 1;
            let origin = Origin {
                org,
                seller: parties.seller.as_ref(),
                x,
                inbound: &inbound,
                group,
            };
            let (result, stored) = if total > MAX_SETS {
                let mut too_many = Problem::at(
                    "5",
                    &envelope::Segment {
                        id: "ST".into(),
                        elements: Vec::new(),
                        position: set.position,
                    },
                    None,
                    format!("an interchange carries at most {MAX_SETS} transaction sets"),
                );
                too_many.segment_note = Some("4");
                refused_set(db, &origin, set, too_many).await?
            } else {
                receive_set(db, &acting, &origin, set, trade).await?
            };
            documents.push(stored);
            match result.status {
                EdiStatus::Accepted => accepted += 1,
                EdiStatus::Duplicate => duplicates += 1,
                _ => {}
            }
            outcomes.push(ack::SetOutcome {
                id: set.id.clone(),
                control_number: set.control_number.clone(),
                position: set.position,
                problem: result.problem,
            });
        }
        // A 997 is never answered with a 997, nor sent to a partner that wants none.
        if group.functional_id != "FA" && parties.profile.functional_acks {
            replies.push(OutGroup {
                functional_id: "FA",
                version: group.version.clone(),
                sets: vec![OutSet {
                    id: "997",
                    body: ack::body(group, &outcomes),
                    links: Links {
                        reference: Some(format!(
                            "{} {}",
                            group.functional_id, group.control_number
                        )),
                        ..Links::default()
                    },
                    ship_notice_late: false,
                }],
            });
        }
    }
    let status = if accepted == total {
        EdiStatus::Accepted
    } else if accepted > 0 {
        EdiStatus::PartiallyAccepted
    } else if duplicates == total {
        EdiStatus::Duplicate
    } else {
        EdiStatus::Rejected
    };
    let wants_ta1 = match parties.profile.interchange_acks {
        InterchangeAcks::WhenRequested => x.ack_requested,
        InterchangeAcks::Always => true,
        InterchangeAcks::Never => false,
    };
    // A TA1 travels in an interchange of its own, which every translator reads; the 997s
    // in another. Both take their control numbers from one block.
    let ta1_numbers = if wants_ta1 {
        outbound::numbers_needed(&[])
    } else {
        0
    };
    let ack_numbers = if replies.is_empty() {
        0
    } else {
        outbound::numbers_needed(&replies)
    };
    let reserved = if ta1_numbers + ack_numbers > 0 {
        Some(outbound::reserve(db, org.id, ta1_numbers + ack_numbers).await?)
    } else {
        None
    };
    let txn = crate::db::begin_write(db).await?;
    let mut acknowledgements = Vec::new();
    if let Some(last) = reserved {
        let route = parties.answer(&x.version, x.delimiters);
        if !replies.is_empty() {
            acknowledgements.push(
                outbound::send(
                    &txn,
                    org,
                    route.clone(),
                    inbound.usage,
                    Some(inbound.id),
                    None,
                    replies,
                    Some(last),
                )
                .await?,
            );
        }
        if wants_ta1 {
            let summary = envelope::IsaSummary {
                sender_qualifier: x.sender_qualifier.clone(),
                sender_id: x.sender_id.clone(),
                receiver_qualifier: x.receiver_qualifier.clone(),
                receiver_id: x.receiver_id.clone(),
                control_number: x.control_number.clone(),
                date: x.date.clone(),
                time: x.time.clone(),
                version: Some(x.version.clone()),
                usage: Some(x.usage),
                delimiters: x.delimiters,
            };
            let ta1 = writer::ta1(&summary, None, route.delimiters);
            acknowledgements.push(
                outbound::send(
                    &txn,
                    org,
                    route,
                    inbound.usage,
                    Some(inbound.id),
                    Some(ta1),
                    Vec::new(),
                    Some(last - ack_numbers),
                )
                .await?,
            );
        }
    }
    let interchange = if status == EdiStatus::Accepted {
        inbound
    } else {
        let mut row: edi_interchange::ActiveModel = inbound.into();
        row.status = Set(status);
        row.update(&txn).await?
    };
    crate::db::commit(txn).await?;
    Ok(Receipt {
        interchange,
        documents,
        acknowledgements,
    })
}

/// Where a received set came from.
struct Origin<'a> {
    org: &'a organization::Model,
    /// The seller its 850s go to, when it is not the brand.
    seller: Option<&'a organization::Model>,
    x: &'a Interchange,
    inbound: &'a edi_interchange::Model,
    group: &'a Group,
}

/// A document row for a received set.
fn document(
    origin: &Origin<'_>,
    set: &TransactionSet,
    status: EdiStatus,
    message: Option<String>,
    applied: &Applied,
    dedupe_key: Option<String>,
) -> edi_document::ActiveModel {
    let Origin {
        org,
        x,
        inbound,
        group,
        ..
    } = origin;
    edi_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        interchange_id: Set(inbound.id),
        organization_id: Set(org.id),
        direction: Set(EdiDirection::Inbound),
        usage: Set(inbound.usage),
        transaction_set: Set(clip(&set.id, 3)),
        functional_id: Set(clip(&group.functional_id, 2)),
        version: Set(clip(&group.version, 12)),
        group_control_number: Set(clip(&group.control_number, 9)),
        control_number: Set(clip(&set.control_number, 9)),
        status: Set(status),
        message: Set(message),
        reference: Set(applied.reference.as_ref().map(|r| clip(r, 35))),
        order_id: Set(applied.order_id),
        shipment_id: Set(applied.shipment_id),
        invoice_id: Set(applied.invoice_id),
        inventory_report_id: Set(applied.inventory_report_id),
        sell_through_report_id: Set(applied.sell_through_report_id),
        claim_id: Set(applied.claim_id),
        content: Set(storable(&set_text(set, x.delimiters))),
        dedupe_key: Set(dedupe_key),
        created_at: Set(now()),
        ack_status: Set(None),
        acknowledged_at: Set(None),
        acknowledged_by_id: Set(None),
        ack_due_at: Set(None),
        overdue_reported_at: Set(None),
        ship_notice_late: Set(false),
    }
}

/// Stores a set refused before it was read.
async fn refused_set(
    db: &DatabaseConnection,
    origin: &Origin<'_>,
    set: &TransactionSet,
    problem: Problem,
) -> Result<(SetResult, edi_document::Model)> {
    let applied = Applied::default();
    let stored = document(
        origin,
        set,
        EdiStatus::Rejected,
        Some(problem.message.clone()),
        &applied,
        None,
    )
    .insert(db)
    .await?;
    let result = SetResult {
        status: EdiStatus::Rejected,
        problem: Some(problem),
        applied,
    };
    Ok((result, stored))
}

/// Applies one set in its own transaction and stores what became of it.
async fn receive_set(
    db: &DatabaseConnection,
    principal: &Principal,
    origin: &Origin<'_>,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<(SetResult, edi_document::Model)> {
    let Origin { org, x, group, .. } = origin;
    let key = format!(
        "{:?}:{}:{}:{}",
        x.usage, group.functional_id, group.control_number, set.control_number
    );
    let refused = |problem: Problem| SetResult {
        status: EdiStatus::Rejected,
        problem: Some(problem),
        applied: Applied::default(),
    };
    // A set received before is found by the unique index on its key when its row is
    // written, which rolls back what applying it again did; a lookup first would cost every
    // set a statement. A set the trade model refuses is looked up, so that one sent again
    // after it was applied is still answered as a duplicate.
    let result = if let Some(p) = group.problem.as_ref().or(set.problem.as_ref()) {
        refused(p.clone())
    } else {
        let txn = crate::db::begin_write(db).await?;
        match apply(
            &txn,
            principal,
            org,
            origin.seller,
            origin.inbound.id,
            group,
            set,
            trade,
        )
        .await
        {
            Ok(applied) => {
                // Test traffic has been checked all the way; it is rolled back, and its row
                // links to nothing.
                let (kept, applied) = if x.usage == Usage::Production {
                    (Some(txn), applied)
                } else {
                    txn.rollback().await?;
                    (None, Applied::default())
                };
                let row = document(
                    origin,
                    set,
                    EdiStatus::Accepted,
                    None,
                    &applied,
                    Some(key.clone()),
                );
                let stored = match &kept {
                    Some(txn) => row.insert(txn).await,
                    None => row.insert(db).await,
                };
                match stored.map_err(Error::from) {
                    Ok(stored) => {
                        if let Some(txn) = kept {
                            crate::db::commit(txn).await?;
                        }
                        let result = SetResult {
                            status: EdiStatus::Accepted,
                            problem: None,
                            applied,
                        };
                        return Ok((result, stored));
                    }
                    // The same set was stored before, or by a request at the same moment.
                    Err(e) if e.unique_violation().is_some() => {
                        if let Some(txn) = kept {
                            txn.rollback().await?;
                        }
                        duplicate(group, set)
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(Failure::Refused(problem)) => {
                txn.rollback().await?;
                if received_before(db, org.id, &key).await? {
                    duplicate(group, set)
                } else {
                    refused(problem)
                }
            }
            Err(Failure::Fault(e)) => {
                txn.rollback().await?;
                return Err(e);
            }
        }
    };
    let stored = document(
        origin,
        set,
        result.status,
        result.problem.as_ref().map(|p| p.message.clone()),
        &result.applied,
        None,
    )
    .insert(db)
    .await?;
    Ok((result, stored))
}

/// Whether the partner's set with this key was applied before.
async fn received_before(db: &DatabaseConnection, organization: Uuid, key: &str) -> Result<bool> {
    Ok(edi_document::Entity::find()
        .filter(edi_document::Column::OrganizationId.eq(organization))
        .filter(edi_document::Column::Direction.eq(EdiDirection::Inbound))
        .filter(edi_document::Column::DedupeKey.eq(key))
        .one(db)
        .await?
        .is_some())
}

fn duplicate(group: &Group, set: &TransactionSet) -> SetResult {
    SetResult {
        status: EdiStatus::Duplicate,
        problem: Some(Problem {
            code: "23",
            position: set.position,
            segment: "ST".into(),
            element: Some(2),
            segment_note: None,
            element_note: None,
            message: format!(
                "set {} of group {} was received before; it is not applied again",
                set.control_number, group.control_number
            ),
        }),
        applied: Applied::default(),
    }
}

/// Applies a set by its kind; a kind not supported is refused.
#[allow(clippy::too_many_arguments)]
async fn apply(
    txn: &impl ConnectionTrait,
    principal: &Principal,
    org: &organization::Model,
    seller: Option<&organization::Model>,
    interchange: Uuid,
    group: &Group,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> std::result::Result<Applied, Failure> {
    let kind = (group.functional_id.as_str(), set.id.as_str());
    if let Some(seller) = seller
        && !matches!(kind, ("PO", "850") | ("PC", "860"))
    {
        // Only purchase orders and their changes go to a seller in the channel; the rest is
        // the brand's.
        return Err(Failure::Refused(Problem::at(
            "1",
            &mapping::anchor(set, "ST"),
            Some(1),
            format!(
                "a {} goes to the brand, not to {} (ISA08)",
                set.id, seller.code
            ),
        )));
    }
    match kind {
        ("PO", "850") => purchase_orders::apply(txn, principal, org, seller, set, trade).await,
        ("PC", "860") => changes::apply(txn, principal, &Reactions, org, seller, set, trade).await,
        ("IB", "846") => reports::inventory(txn, principal, org, set, trade).await,
        ("PD", "852") => reports::sell_through(txn, principal, org, set, trade).await,
        ("CF", "844") => super::claims::claim(txn, principal, org, set, trade).await,
        ("PT", "867") => resales::resales(txn, principal, org, set, trade).await,
        ("PR", "855") => {
            suppliers::acknowledgement(txn, principal, &Reactions, org, set, trade).await
        }
        ("SH", "856") => suppliers::ship_notice(txn, principal, &Reactions, org, set, trade).await,
        ("IN", "810") => suppliers::invoice(txn, principal, &Reactions, org, set).await,
        // Acknowledgements of what we sent: reconciled with it, answered with nothing.
        ("FA", "997") => reconcile::functional_ack(txn, org, interchange, set).await,
        (functional, id) => Err(Failure::Refused(Problem {
            code: "1",
            position: set.position,
            segment: "ST".into(),
            element: Some(1),
            segment_note: None,
            element_note: None,
            message: format!("transaction set {id} in a {functional} group is not supported"),
        })),
    }
}
