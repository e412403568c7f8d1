//! Growth: campaigns with their audience, sends, responses and return; opportunities with
//! their stages; marketing consent is kept on contacts with its history.

pub mod campaigns;
pub mod deals;
pub mod graphql;
pub mod leads;
pub mod loaders;
pub mod model;
pub mod opportunities;
