//! Credit memos: what the brand owes a partner back, settled as a document beside its
//! invoices. Each line traces to what it settles (an approved claim), and each of those is
//! settled once (a unique index on the line's source). A memo lowers the partner's credit
//! balance with the brand in the transaction that issues it, and goes to a partner that
//! trades by X12 as an 812.
//!
//! A partner's statement lists its invoices from the brand, the payments on them and its
//! credit memos, in the order they happened, with the balance after each.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::credit_memo::{self, Column, Entity};
use entity::credit_memo_line::{self as line, Entity as Lines};
use entity::enums::CreditSource;
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
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
use crate::store::{self, now};

/// One thing to settle.
#[derive(Clone, Debug)]
pub struct NewCreditLine {
    pub source: CreditSource,
    pub source_id: Uuid,
    pub description: String,
    pub amount: Decimal,
}

/// Issues a credit memo to `partner` for `lines`, in `currency`, in the caller's
/// transaction: its number, its lines, the partner's credit balance lowered by its amount,
/// the audit record, the event, and the 812 to a partner that trades by X12.
pub async fn issue(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner: Uuid,
    currency: &str,
    lines: Vec<NewCreditLine>,
) -> Result<(credit_memo::Model, Vec<line::Model>)> {
    let brand = crate::orders::queries::brand_id(db)
        .await?
        .ok_or_else(|| Error::Internal("the directory has no brand".into()))?;
    let amount: Decimal = lines.iter().map(|l| l.amount).sum();
    if amount <= Decimal::ZERO {
        return Err(Error::Internal(
            "a credit memo is issued for more than nothing".into(),
        ));
    }
    let id = Uuid::now_v7();
    let at = now();
    let memo = credit_memo::Model {
        id,
        number: crate::orders::counters::next_number(db, "CM").await?,
        partner_id: partner,
        seller_id: brand,
        currency: currency.to_owned(),
        amount: amount.into(),
        issued_on: at.date_naive(),
        issued_by: principal.user_id(),
        created_at: at,
    };
    let rows: Vec<line::Model> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| line::Model {
            id: Uuid::now_v7(),
            credit_memo_id: id,
            line_number: i as i32 + 1,
            source: l.source,
            source_id: l.source_id,
            description: crate::edi::clip(&l.description, 200),
            amount: l.amount.into(),
        })
        .collect();
    let mut writes = crate::writes::Writes::new();
    writes.insert(credit_memo::ActiveModel::from(memo.clone()));
    writes.insert_many(rows.iter().cloned().map(line::ActiveModel::from));
    writes
        .run(db)
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => Error::user(
                &["input", "id"],
                ErrorCode::Conflict,
                "it is settled by a credit memo already",
            ),
            None => e,
        })?;
    crate::orders::credit::shift(
        db,
        &[],
        &[Some(crate::orders::credit::of_credit_memo(&memo))],
    )
    .await?;
    crate::changes::recorded::<Entity>(db, principal, Action::CreditMemoIssue, None, &memo).await?;
    announce(db, &memo, &rows).await?;
    crate::edi::outbound::credit_memo_issued(db, &memo, &rows).await?;
    Ok((memo, rows))
}

async fn announce(
    db: &impl ConnectionTrait,
    memo: &credit_memo::Model,
    lines: &[line::Model],
) -> Result<()> {
    let currency = memo.currency.as_str();
    let amount = |v: Decimal| json!({ "amount": crate::money::shown(v, currency).to_string(), "currency": currency });
    let data = json!({
        "creditMemo": {
            "id": events::gid(NodeType::CreditMemo, memo.id),
            "number": memo.number,
            "issuedOn": memo.issued_on.to_string(),
            "amount": amount(stored(memo.amount)),
        },
        "partnerId": events::gid(NodeType::Organization, memo.partner_id),
        "lines": lines.iter().map(|l| json!({
            "lineNumber": l.line_number,
            "source": sea_orm::ActiveEnum::to_value(&l.source),
            "description": l.description,
            "amount": amount(stored(l.amount)),
        })).collect::<Vec<_>>(),
    });
    events::emit(
        db,
        NewEvent {
            event_type: EventType::CreditMemoIssued,
            subject_id: memo.id,
            order_id: None,
            audience: vec![memo.partner_id],
            data,
        },
    )
    .await?;
    Ok(())
}

/// What a principal sees of credit memos: staff all; a partner its own, where its roles see
/// all of its company's invoices.
fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(Column::PartnerId))
        .add(principal.reaching_all(Records::Invoices))
}

/// Which credit memos a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CreditMemoFilter {
    pub partner_id: Option<Uuid>,
}

fn memos(principal: &Principal, filter: &CreditMemoFilter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(org) = filter.partner_id {
        query = query.filter(Column::PartnerId.eq(org));
    }
    Ok(query)
}

/// Credit memos, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CreditMemoFilter,
    page: &PageRequest,
) -> Result<Page<credit_memo::Model>> {
    store::page_of(
        db,
        memos(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CreditMemoFilter,
) -> Result<u64> {
    Ok(memos(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, credit_memo::Model>> {
    principal.ensure_can_read_orders()?;
    read_by_ids(db, principal, ids).await
}

async fn read_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, credit_memo::Model>> {
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// The credit memos among `ids` the principal sees: none for one that does not read them.
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, credit_memo::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    read_by_ids(db, principal, ids).await
}

/// The lines of credit memos the principal sees, by line number.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<line::Model>>> {
    principal.ensure_can_read_orders()?;
    let seen = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal))
        .into_query();
    let rows = Lines::find()
        .filter(line::Column::CreditMemoId.in_subquery(seen))
        .order_by_asc(line::Column::CreditMemoId)
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |l| l.credit_memo_id))
}

impl Recorded for Entity {
    fn id_of(model: &credit_memo::Model) -> Uuid {
        model.id
    }
}

/// What an entry of a statement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Invoice,
    Payment,
    CreditMemo,
}

/// One entry of a statement: what it is, its day and number, the amount it moves the
/// balance by (an invoice up, a payment or credit memo down), and the balance after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: Uuid,
    pub on: NaiveDate,
    pub number: String,
    pub amount: Decimal,
    pub balance: Decimal,
}

/// A partner's account with the brand over a period, in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub partner: Uuid,
    pub currency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The balance before `from`.
    pub opening: Decimal,
    pub entries: Vec<Entry>,
    /// The balance after `to`'s last entry.
    pub closing: Decimal,
}

/// The longest statement period.
pub const STATEMENT_DAYS_MAX: i64 = 366;

/// `partner`'s statement with the brand from `from` to `to` in `currency`: staff for any
/// partner, a partner's finance people and managers (or systems with `orders:read`) for
/// their own. Read in one statement; the running balance is added up in order.
pub async fn statement(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner: Uuid,
    currency: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Statement> {
    principal.ensure_can_read_credit()?;
    if principal.reach(Records::Invoices) != crate::access::Reach::All {
        return Err(Error::Forbidden(
            "a statement is read by those who see all of the company's invoices".into(),
        ));
    }
    if principal
        .partner_organization()
        .is_some_and(|own| own != partner)
    {
        return Err(Error::NotFound("no such organization".into()));
    }
    if to < from {
        return Err(Error::user(
            &["to"],
            ErrorCode::Invalid,
            "`to` must not be before `from`",
        ));
    }
    if (to - from).num_days() > STATEMENT_DAYS_MAX {
        return Err(Error::user(
            &["to"],
            ErrorCode::OutOfRange,
            format!("a statement covers at most {STATEMENT_DAYS_MAX} days"),
        ));
    }
    let brand = crate::orders::queries::brand_id(db)
        .await?
        .ok_or_else(|| Error::Internal("the directory has no brand".into()))?;
    // Every entry up to `to`, oldest first: those before `from` make the opening balance.
    // Kinds sort invoice, payment, credit memo within a day.
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT kind, id, day, number, amount FROM ( \
         SELECT 0 AS kind, i.id AS id, i.issued_on AS day, i.number AS number, i.total AS amount, \
           o.buyer_id AS buyer, o.seller_id AS seller, i.currency AS currency \
         FROM invoices i JOIN orders o ON o.id = i.order_id \
         UNION ALL \
         SELECT 1, p.id, p.received_on, COALESCE(p.reference, i.number), -p.amount, \
           o.buyer_id, o.seller_id, i.currency \
         FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN orders o ON o.id = i.order_id \
         UNION ALL \
         SELECT 2, m.id, m.issued_on, m.number, -m.amount, m.partner_id, m.seller_id, m.currency \
         FROM credit_memos m \
         ) entries",
    );
    q.push(" WHERE buyer = ")
        .bind(partner)
        .push(" AND seller = ")
        .bind(brand)
        .push(" AND currency = ")
        .bind(currency.to_owned())
        .push(" AND day <= ")
        .bind(to)
        .push(" ORDER BY day, kind, number, id");
    let rows = db.query_all_raw(q.build()).await?;
    let mut opening = Decimal::ZERO;
    let mut balance = Decimal::ZERO;
    let mut entries = Vec::new();
    for row in rows {
        let kind = match row.try_get::<i32>("", "kind")? {
            0 => EntryKind::Invoice,
            1 => EntryKind::Payment,
            _ => EntryKind::CreditMemo,
        };
        let on: NaiveDate = row.try_get("", "day")?;
        let amount = crate::money::column(&row, "amount")?.unwrap_or_default();
        balance += amount;
        if on < from {
            opening = balance;
            continue;
        }
        entries.push(Entry {
            kind,
            id: row.try_get("", "id")?,
            on,
            number: row.try_get("", "number")?,
            amount,
            balance,
        });
    }
    Ok(Statement {
        partner,
        currency: currency.to_owned(),
        from,
        to,
        opening,
        entries,
        closing: balance,
    })
}
