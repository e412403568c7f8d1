//! Registered documents: an app or partner system sends a document's id (`sha256:` and the
//! hex SHA-256 of its text) instead of the text, as the GraphQL-over-HTTP persisted-document
//! convention has it, or speaks Apollo's automatic persisted queries
//! (`extensions.persistedQuery.sha256Hash`). A server may run registered documents only.

pub mod graphql;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use entity::persisted_document::{self, Entity};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::access::Principal;
use crate::error::{Error, Result};

/// Most documents a node keeps in memory, and most bytes of them; beyond either, the
/// earliest added go.
const CACHED_DOCUMENTS: usize = 10_000;
const CACHED_BYTES: usize = 32 * 1024 * 1024;

/// Most persisted queries' texts kept for clients; past it, a new one still runs but is not
/// kept.
const MAX_UNTRUSTED: u64 = 10_000;

/// Longest document that may be registered, in bytes.
const MAX_DOCUMENT_BYTES: usize = 100_000;

/// The id of a document's text.
pub fn document_id(text: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(text.as_bytes())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An id as a client sent it, checked: `sha256:` and 64 lower-case hex digits. Apollo's hash
/// comes without the prefix.
pub fn parse_id(raw: &str) -> Option<String> {
    let hex = raw.strip_prefix("sha256:").unwrap_or(raw);
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("sha256:{}", hex.to_ascii_lowercase()))
}

/// Which documents a server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Documents {
    /// Any document; a persisted query sent with its text is registered.
    Open,
    /// Registered documents only: a request sends an id, and nothing is registered on the
    /// way (staff register documents with `documentRegister`).
    Registered,
}

/// A registered document as a node keeps it.
#[derive(Clone)]
pub struct Stored {
    pub text: Arc<str>,
    /// Registered by staff or the operator, not left behind by a client's persisted query.
    pub trusted: bool,
}

/// The documents this node has read, by id, and the order they came in, within a bound on
/// their bytes.
#[derive(Default)]
pub struct DocumentCache {
    documents: Mutex<Remembered>,
}

#[derive(Default)]
struct Remembered {
    by_id: HashMap<String, Stored>,
    order: VecDeque<String>,
    bytes: usize,
}

impl DocumentCache {
    fn get(&self, id: &str) -> Option<Stored> {
        self.documents.lock().ok()?.by_id.get(id).cloned()
    }

    fn put(&self, id: String, document: Stored) {
        let Ok(mut guard) = self.documents.lock() else {
            return;
        };
        let remembered = &mut *guard;
        remembered.bytes += document.text.len();
        match remembered.by_id.insert(id.clone(), document) {
            Some(earlier) => remembered.bytes -= earlier.text.len(),
            None => remembered.order.push_back(id),
        }
        while remembered.order.len() > CACHED_DOCUMENTS || remembered.bytes > CACHED_BYTES {
            let Some(gone) = remembered.order.pop_front() else {
                break;
            };
            if let Some(document) = remembered.by_id.remove(&gone) {
                remembered.bytes -= document.text.len();
            }
        }
    }

    /// Registered document `id`, from memory or the database; a document this node keeps
    /// untrusted is read again where only a trusted one will do (another node may have
    /// registered it since).
    pub async fn find(
        &self,
        db: &impl ConnectionTrait,
        id: &str,
        trusted_only: bool,
    ) -> Result<Option<Stored>> {
        if let Some(document) = self.get(id).filter(|d| d.trusted || !trusted_only) {
            return Ok(Some(document));
        }
        let found = Entity::find_by_id(id.to_owned()).one(db).await?;
        Ok(found.map(|row| {
            let document = Stored {
                text: row.document.into(),
                trusted: row.trusted,
            };
            self.put(id.to_owned(), document.clone());
            document
        }))
    }

    /// Registers `text` as a trusted document, for `principal` (a second registration
    /// changes nothing, except that it trusts a document a persisted query left behind),
    /// and returns its id.
    pub async fn register(
        &self,
        db: &impl ConnectionTrait,
        principal: &Principal,
        text: &str,
    ) -> Result<String> {
        self.store(db, principal, text, true).await
    }

    /// Keeps the text of a persisted query a signed-in client sent, for its next request by
    /// hash: untrusted, at most [`MAX_DOCUMENT_BYTES`], and while fewer than
    /// [`MAX_UNTRUSTED`] are kept. `false` when it was not kept.
    pub async fn remember(
        &self,
        db: &impl ConnectionTrait,
        principal: &Principal,
        text: &str,
    ) -> Result<bool> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Ok(false);
        }
        let kept = Entity::find()
            .filter(persisted_document::Column::Trusted.eq(false))
            .count(db)
            .await?;
        if kept >= MAX_UNTRUSTED {
            return Ok(false);
        }
        self.store(db, principal, text, false).await?;
        Ok(true)
    }

    async fn store(
        &self,
        db: &impl ConnectionTrait,
        principal: &Principal,
        text: &str,
        trusted: bool,
    ) -> Result<String> {
        let id = document_id(text);
        let (kind, by) = crate::audit::principal_parts(principal);
        let row = persisted_document::ActiveModel {
            id: Set(id.clone()),
            document: Set(text.to_owned()),
            trusted: Set(trusted),
            registered_by_kind: Set(kind.to_owned()),
            registered_by: Set(by),
            created_at: Set(crate::store::now()),
        };
        let mut conflict = OnConflict::column(persisted_document::Column::Id);
        if trusted {
            conflict.update_column(persisted_document::Column::Trusted);
        } else {
            conflict.do_nothing();
        }
        Entity::insert(row)
            .on_conflict(conflict.to_owned())
            .exec_without_returning(db)
            .await?;
        // The id is the text's hash, so the text is the one stored. Kept untrusted here, a
        // document another node trusted meanwhile is read again where trust is needed.
        self.put(
            id.clone(),
            Stored {
                text: text.into(),
                trusted,
            },
        );
        Ok(id)
    }
}

/// Checks a document before it is registered: it parses, and holds at least one operation.
fn checked(document: &str) -> Result<&str> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::bad_input(
            "input.document",
            format!("input.document holds more than {MAX_DOCUMENT_BYTES} bytes"),
        ));
    }
    crate::graphql::limits::check_document_nesting(document)
        .map_err(|message| Error::bad_input("input.document", message))?;
    async_graphql::parser::parse_query(document).map_err(|e| {
        // The parser draws the place; one line says it.
        let text = e.to_string();
        let at = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("--> "))
            .unwrap_or("?");
        let what = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("= "))
            .unwrap_or("it does not parse");
        Error::bad_input(
            "input.document",
            format!("input.document is not a GraphQL document: at {at}, {what}"),
        )
    })?;
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sha256_of_the_text_and_take_apollos_bare_hash() {
        let id = document_id("{ me { email } }");
        assert!(id.starts_with("sha256:") && id.len() == 71);
        assert_eq!(parse_id(&id), Some(id.clone()));
        assert_eq!(parse_id(&id[7..].to_uppercase()), Some(id.clone()));
        assert_eq!(parse_id("sha256:abc"), None);
        assert_eq!(parse_id(&format!("md5:{}", &id[7..])), None);
    }
}
