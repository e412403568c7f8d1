//! Channel money: what moves between the brand and its channel besides the invoice.
//! - special prices the brand authorises a distributor for one end customer's deal, used by
//!   its orders ([`special_prices`], [`buying`]);
//! - ship-and-debit claims against them, checked against the distributor's own data
//!   ([`claims`]);
//! - price protection for stock on hand when a net price falls ([`price_protection`]);
//! - partner funds, MDF by tier and co-op accrued on purchases: requests, claims with proof,
//!   and expiry ([`funds`]);
//! - volume rebates by thresholds on purchases, retroactive or incremental, settled at the
//!   period's end ([`rebates`]);
//! - credit memos that settle what the brand approves, and the partner's statement
//!   ([`credit_memos`]).

pub mod buying;
pub mod claims;
pub mod credit_memos;
pub mod funding;
pub mod funds;
pub mod graphql;
pub mod price_protection;
pub mod protection;
pub mod rebates;
pub mod rebating;
pub mod settlement;
pub mod special_prices;

/// What a client reads of the channel's money.
#[derive(async_graphql::MergedObject, Default)]
pub struct ChannelMoneyQuery(
    graphql::SpecialPriceQuery,
    graphql::ClaimQuery,
    settlement::CreditMemoQuery,
    protection::PriceProtectionQuery,
    funding::FundQuery,
    rebating::RebateQuery,
);

/// What a client changes of the channel's money.
#[derive(async_graphql::MergedObject, Default)]
pub struct ChannelMoneyMutation(
    graphql::SpecialPriceMutation,
    graphql::ClaimMutation,
    protection::PriceProtectionMutation,
    funding::FundMutation,
    rebating::RebateMutation,
);
