//! Channel money: what moves between the brand and its channel besides the invoice. Special
//! pricing agreements first: a price the brand authorises a distributor to sell at for one
//! end customer's deal.

pub mod buying;
pub mod claims;
pub mod graphql;
pub mod special_prices;
