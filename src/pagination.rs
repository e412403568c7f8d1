//! Keyset pagination: cursors carry the sort value and the id of an edge, never an offset.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr, Order, SelectStatement, WindowStatement};
use sea_orm::sea_query::{ExprTrait, OverStatement};
use uuid::Uuid;

use crate::error::{Error, Result};

/// Largest `first` or `last` a list accepts.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// What a list is sorted by. Ties are broken by id, so the order is total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    Name,
    CreatedAt,
    UpdatedAt,
    /// A day something is due.
    Due,
}

impl SortKey {
    fn tag(self) -> &'static str {
        match self {
            SortKey::Name => "n",
            SortKey::CreatedAt => "c",
            SortKey::UpdatedAt => "u",
            SortKey::Due => "d",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    pub const fn ascending(key: SortKey) -> Sort {
        Sort {
            key,
            descending: false,
        }
    }
}

/// The sort value of one row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SortValue {
    Text(String),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

impl SortValue {
    fn expr(&self) -> Expr {
        match self {
            SortValue::Text(s) => Expr::val(s.clone()),
            SortValue::Time(t) => Expr::val(*t),
            SortValue::Date(d) => Expr::val(*d),
        }
    }
}

/// Rows that can be paged: they expose their sort value and id.
pub trait Keyed {
    fn id(&self) -> Uuid;
    fn sort_value(&self, key: SortKey) -> SortValue;
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub key: SortKey,
    pub value: SortValue,
    pub id: Uuid,
}

impl Cursor {
    pub fn of(row: &impl Keyed, key: SortKey) -> Self {
        Self {
            key,
            value: row.sort_value(key),
            id: row.id(),
        }
    }

    pub fn encode(&self) -> String {
        let value = match &self.value {
            SortValue::Text(s) => s.clone(),
            SortValue::Time(t) => t.timestamp_micros().to_string(),
            SortValue::Date(d) => d.to_string(),
        };
        STANDARD.encode(format!("{}|{}|{}", self.key.tag(), self.id, value))
    }

    /// Decodes a cursor made for a list sorted by `key`.
    fn decode(field: &str, raw: &str, key: SortKey) -> Result<Self> {
        let bad = || Error::bad_input(field, format!("{field} is not a cursor of this list"));
        let bytes = STANDARD.decode(raw).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut parts = text.splitn(3, '|');
        let (Some(tag), Some(id), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if tag != key.tag() {
            return Err(Error::bad_input(
                field,
                format!("{field} was made for another order of this list"),
            ));
        }
        let id = Uuid::try_parse(id).map_err(|_| bad())?;
        let value = match key {
            SortKey::Name => SortValue::Text(value.to_owned()),
            SortKey::CreatedAt | SortKey::UpdatedAt => {
                let micros = value.parse::<i64>().map_err(|_| bad())?;
                SortValue::Time(DateTime::from_timestamp_micros(micros).ok_or_else(bad)?)
            }
            SortKey::Due => SortValue::Date(value.parse().map_err(|_| bad())?),
        };
        Ok(Self { key, value, id })
    }
}

/// One page's worth of arguments, validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub sort: Sort,
    pub limit: u64,
    /// Paging backwards with `last`/`before`.
    pub backward: bool,
    pub cursor: Option<Cursor>,
}

/// The connection arguments as a client sent them.
#[derive(Clone, Debug, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

fn page_size(field: &str, value: i32) -> Result<u64> {
    if value < 0 {
        return Err(Error::bad_input(
            field,
            format!("{field} must not be negative; it was {value}"),
        ));
    }
    if value > MAX_PAGE_SIZE {
        return Err(Error::bad_input(
            field,
            format!("{field} must be at most {MAX_PAGE_SIZE}; it was {value}"),
        ));
    }
    Ok(value as u64)
}

impl PageRequest {
    pub fn parse(sort: Sort, args: PageArgs) -> Result<Self> {
        if args.first.is_some() && args.last.is_some() {
            return Err(Error::bad_input(
                "last",
                "first and last cannot be combined",
            ));
        }
        if args.after.is_some() && args.before.is_some() {
            return Err(Error::bad_input(
                "before",
                "after and before cannot be combined",
            ));
        }
        let backward = args.last.is_some() || args.before.is_some();
        if backward && args.first.is_some() {
            return Err(Error::bad_input(
                "first",
                "first pages forward; use last with before",
            ));
        }
        if backward && args.after.is_some() {
            return Err(Error::bad_input(
                "after",
                "after pages forward; use before with last",
            ));
        }
        let limit = match (args.first, args.last) {
            (Some(n), _) => page_size("first", n)?,
            (_, Some(n)) => page_size("last", n)?,
            _ => DEFAULT_PAGE_SIZE as u64,
        };
        let cursor = match (&args.after, &args.before) {
            (Some(raw), _) => Some(Cursor::decode("after", raw, sort.key)?),
            (_, Some(raw)) => Some(Cursor::decode("before", raw, sort.key)?),
            _ => None,
        };
        Ok(Self {
            sort,
            limit,
            backward,
            cursor,
        })
    }

    /// The direction rows are read in: the list's direction, reversed when paging backwards.
    fn scan_descending(&self) -> bool {
        self.sort.descending != self.backward
    }

    fn order(&self) -> Order {
        if self.scan_descending() {
            Order::Desc
        } else {
            Order::Asc
        }
    }

    /// Rows after the cursor in scan order.
    pub fn keyset_condition(&self, key_col: Expr, id_col: Expr) -> Option<Condition> {
        let cursor = self.cursor.as_ref()?;
        let value = cursor.value.expr();
        let id = Expr::val(cursor.id);
        let (key_past, id_past) = if self.scan_descending() {
            (key_col.clone().lt(value.clone()), id_col.lt(id))
        } else {
            (key_col.clone().gt(value.clone()), id_col.gt(id))
        };
        Some(
            Condition::any()
                .add(key_past)
                .add(Condition::all().add(key_col.eq(value)).add(id_past)),
        )
    }

    /// Adds the keyset condition, the order and the limit (one more row than asked, to know
    /// whether another page follows).
    pub fn apply(&self, stmt: &mut SelectStatement, key_col: Expr, id_col: Expr) {
        if let Some(cond) = self.keyset_condition(key_col.clone(), id_col.clone()) {
            stmt.cond_where(cond);
        }
        stmt.order_by_expr(key_col, self.order())
            .order_by_expr(id_col, self.order())
            .limit(self.limit + 1);
    }

    /// `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY key, id)` for per-parent pages.
    pub fn window(&self, partition: Expr, key_col: Expr, id_col: Expr) -> WindowStatement {
        let mut window = WindowStatement::new();
        window.add_partition_by(partition);
        window
            .order_by_expr(key_col, self.order())
            .order_by_expr(id_col, self.order());
        window
    }

    /// Cuts the rows read (at most `limit + 1`, in scan order) into a page.
    pub fn into_page<T>(&self, mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
            Page {
                items: rows,
                has_next: self.cursor.is_some(),
                has_previous: more,
            }
        } else {
            Page {
                items: rows,
                has_next: more,
                has_previous: self.cursor.is_some(),
            }
        }
    }
}

/// A page of rows in list order.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            has_next: false,
            has_previous: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BY_NAME: Sort = Sort {
        key: SortKey::Name,
        descending: false,
    };

    #[test]
    fn page_sizes_are_capped_and_non_negative() {
        let err = PageRequest::parse(
            BY_NAME,
            PageArgs {
                first: Some(101),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "first must be at most 100; it was 101");
        let err = PageRequest::parse(
            BY_NAME,
            PageArgs {
                last: Some(-1),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "last must not be negative; it was -1");
    }

    #[test]
    fn a_cursor_round_trips_and_is_bound_to_its_order() {
        let cursor = Cursor {
            key: SortKey::Name,
            value: SortValue::Text("a|b".into()),
            id: Uuid::now_v7(),
        };
        let raw = cursor.encode();
        assert_eq!(
            Cursor::decode("after", &raw, SortKey::Name).unwrap(),
            cursor
        );
        let err = Cursor::decode("after", &raw, SortKey::CreatedAt).unwrap_err();
        assert_eq!(
            err.to_string(),
            "after was made for another order of this list"
        );
    }

    #[test]
    fn backward_pages_come_back_in_list_order() {
        let req = PageRequest::parse(
            BY_NAME,
            PageArgs {
                last: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
        let page = req.into_page(vec![5, 4, 3]);
        assert_eq!(page.items, vec![4, 5]);
        assert!(page.has_previous);
        assert!(!page.has_next);
    }
}
