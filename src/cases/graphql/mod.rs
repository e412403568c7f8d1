//! Cases, case routing and survey responses in GraphQL.

mod compiled;
mod inputs;
mod resolvers;
mod types;

pub use resolvers::{CaseMutation, CaseQuery};
pub use types::{Case, CaseCategory, CaseRoute, SurveyResponse};

pub use compiled::register as register_compiled;
