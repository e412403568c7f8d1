//! Tables of channelgraph as sea-orm entities. These are storage, not the API: the GraphQL
//! types in the server crate are designed separately and map from these models.

pub mod address;
pub mod channel_link;
pub mod contact;
pub mod enums;
pub mod organization;
