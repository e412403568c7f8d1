//! Cases, case routing and survey responses in GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use resolvers::{CaseMutation, CaseQuery};
pub use types::{Case, CaseCategory, CaseRoute, SurveyResponse};
