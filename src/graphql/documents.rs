//! Registered documents: an app or partner system sends a document's id (`sha256:` and the
//! hex SHA-256 of its text) instead of the text, as the GraphQL-over-HTTP persisted-document
//! convention has it, or speaks Apollo's automatic persisted queries
//! (`extensions.persistedQuery.sha256Hash`). A server may run registered documents only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, InputObject, Object, SimpleObject};
use entity::persisted_document::{self, Entity};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use crate::access::Principal;
use crate::error::{Error, Result};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};

/// Most documents a node keeps parsed in memory; beyond it, the least recently added go.
const CACHED_DOCUMENTS: usize = 10_000;

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

/// The documents this node has read, by id, and the order they came in.
#[derive(Default)]
pub struct DocumentCache {
    documents: Mutex<Remembered>,
}

#[derive(Default)]
struct Remembered {
    by_id: HashMap<String, Arc<str>>,
    order: Vec<String>,
}

impl DocumentCache {
    fn get(&self, id: &str) -> Option<Arc<str>> {
        self.documents.lock().ok()?.by_id.get(id).cloned()
    }

    fn put(&self, id: String, text: Arc<str>) {
        if let Ok(mut guard) = self.documents.lock() {
            let remembered = &mut *guard;
            if remembered.by_id.insert(id.clone(), text).is_none() {
                remembered.order.push(id);
            }
            if remembered.order.len() > CACHED_DOCUMENTS {
                let gone: Vec<String> = remembered.order.drain(..CACHED_DOCUMENTS / 10).collect();
                for id in gone {
                    remembered.by_id.remove(&id);
                }
            }
        }
    }

    /// The text of registered document `id`, from memory or the database.
    pub async fn find(&self, db: &impl ConnectionTrait, id: &str) -> Result<Option<Arc<str>>> {
        if let Some(text) = self.get(id) {
            return Ok(Some(text));
        }
        let found = Entity::find_by_id(id.to_owned()).one(db).await?;
        Ok(found.map(|row| {
            let text: Arc<str> = row.document.into();
            self.put(id.to_owned(), text.clone());
            text
        }))
    }

    /// Registers `text` for `principal` (once; a second registration changes nothing) and
    /// returns its id.
    pub async fn register(
        &self,
        db: &impl ConnectionTrait,
        principal: &Principal,
        text: &str,
    ) -> Result<String> {
        let id = document_id(text);
        let (kind, by) = crate::audit::principal_parts(principal);
        let row = persisted_document::ActiveModel {
            id: Set(id.clone()),
            document: Set(text.to_owned()),
            registered_by_kind: Set(kind.to_owned()),
            registered_by: Set(by),
            created_at: Set(crate::store::now()),
        };
        Entity::insert(row)
            .on_conflict(
                OnConflict::column(persisted_document::Column::Id)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        self.put(id.clone(), text.into());
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

/// A document to register.
#[derive(InputObject)]
pub struct DocumentRegisterInput {
    /// The GraphQL document, exactly as clients will hash it.
    pub document: String,
}

/// The result of registering a document.
#[derive(SimpleObject)]
pub struct DocumentRegisterPayload {
    /// Send this as `documentId` (or its hex as Apollo's `sha256Hash`) instead of the
    /// document; null when refused.
    pub document_id: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct DocumentMutation;

#[Object]
impl DocumentMutation {
    /// Registers a GraphQL document, so that apps and partner systems may send its id
    /// instead of its text. Admins and managers register documents; registering one twice
    /// changes nothing.
    async fn document_register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document.")] input: DocumentRegisterInput,
    ) -> async_graphql::Result<DocumentRegisterPayload> {
        let cache = ctx.data::<Arc<DocumentCache>>()?;
        let result = match checked(&input.document) {
            Ok(document) => in_transaction!(ctx, |txn, principal| async {
                principal.ensure_can_manage_catalog().map_err(|_| {
                    Error::Forbidden("only admins and managers register documents".into())
                })?;
                let id = cache.register(&txn, principal, document).await?;
                crate::audit::record_changes(
                    &txn,
                    principal,
                    crate::audit::Action::DocumentRegister,
                    None,
                    serde_json::json!({ "documentId": { "before": null, "after": id } }),
                )
                .await?;
                Ok::<_, Error>(id)
            }),
            Err(e) => Err(e),
        };
        let (document_id, user_errors) = outcome(result)?;
        Ok(DocumentRegisterPayload {
            document_id,
            user_errors,
        })
    }
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
