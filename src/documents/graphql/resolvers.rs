//! The mutation that registers documents.

use std::sync::Arc;

use async_graphql::{Context, Object};

use super::inputs::DocumentRegisterInput;
use super::types::DocumentRegisterPayload;
use crate::documents::{DocumentCache, checked};
use crate::error::Error;
use crate::graphql::in_transaction;
use crate::graphql::user_error::outcome;

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
