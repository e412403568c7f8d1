//! Service: cases (complaints, service and repair requests, inquiries), routed to a
//! department by category and to a person by territory, with deadlines from their severity
//! and a lifecycle of OPEN, IN_PROGRESS, RESOLVED, CLOSED and REOPENED; and survey
//! responses. Partners open cases about their own orders and see only their own cases,
//! never the brand's internal investigation notes.

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod routes;
pub mod service;
pub mod surveys;
