//! The cases, routes and survey answers a request's resolvers follow, batched per request.

use uuid::Uuid;

use super::{routes, service as cases, surveys};
use crate::graphql::loading::{LoadScope, by_id_loader};

/// Loads service work for one request, on behalf of its principal.
pub struct CaseLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseRouteId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SurveyResponseId(pub Uuid);
/// A case's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseNotesOf(pub Uuid);

by_id_loader!(CaseLoader: CaseId => entity::case::Model, cases::by_ids);
by_id_loader!(CaseLoader: CaseRouteId => entity::case_route::Model, routes::by_ids);
by_id_loader!(CaseLoader: SurveyResponseId => entity::survey_response::Model, surveys::by_ids);
by_id_loader!(CaseLoader: CaseNotesOf => Vec<entity::case_note::Model>, cases::notes_of);
