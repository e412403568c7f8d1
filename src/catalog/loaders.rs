//! The products, prices and tiers a request's resolvers follow, batched per request.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::{packs, pricing, products, tiers};
use crate::graphql::loading::{LoadKey, LoadScope, Shared, by_id_loader};
use crate::program::qualification;

/// Loads the catalog for one request, on behalf of its principal.
pub struct CatalogLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductSpecId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PriceListId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartnerTierId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TierMembershipId(pub Uuid);
/// A product's suppliers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SuppliersOf(pub Uuid);
/// A product's specifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpecsOf(pub Uuid);
/// A product's packs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacksOf(pub Uuid);
/// A price list's prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntriesOf(pub Uuid);
/// A tier's required product lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductLinesOf(pub Uuid);
/// A tier's criteria, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CriteriaOf(pub Uuid);
/// The next tier up that has criteria, from a tier (or from none): the one a partner in it
/// works towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NextTierAbove(pub Option<Uuid>);
/// A special pricing agreement's lines, by line number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpecialPriceLinesOf(pub Uuid);
/// A claim's lines, by line number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClaimLinesOf(pub Uuid);
/// A special pricing agreement an order names: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpecialPriceId(pub Uuid);
/// A claim an EDI document names: none where the principal does not see claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClaimId(pub Uuid);
/// A credit memo's lines, by line number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CreditMemoLinesOf(pub Uuid);
/// A credit memo a claim names: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CreditMemoId(pub Uuid);
/// A price protection credit a credit memo line settles: none where the principal does
/// not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PriceProtectionCreditId(pub Uuid);
/// A fund a request draws on: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FundId(pub Uuid);
/// A fund request a credit memo line settles: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FundRequestId(pub Uuid);
/// A fund's amounts per tier, to staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FundTierAmountsOf(pub Uuid);
/// A fund claim's proof documents, in the order they were sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FundProofsOf(pub Uuid);
/// A rebate program a settlement is for: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RebateProgramId(pub Uuid);
/// A rebate a credit memo line settles: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RebateSettlementId(pub Uuid);
/// A replenishment policy: none where the principal does not see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplenishmentPolicyId(pub Uuid);
/// A replenishment proposal's lines, by line number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplenishmentProposalLinesOf(pub Uuid);
/// A purchase proposal's lines, by line number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PurchaseProposalLinesOf(pub Uuid);
/// A rebate program's thresholds, in rising order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RebateThresholdsOf(pub Uuid);
/// An organization's tier memberships, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MembershipsOf(pub Uuid);

by_id_loader!(CatalogLoader: ProductId => entity::product::Model, products::by_ids);
by_id_loader!(CatalogLoader: ProductSpecId => entity::product_spec::Model, products::specs_by_ids);
by_id_loader!(CatalogLoader: PriceListId => entity::price_list::Model, pricing::by_ids);
by_id_loader!(CatalogLoader: PartnerTierId => entity::partner_tier::Model, tiers::by_ids);
by_id_loader!(
    CatalogLoader: TierMembershipId => entity::tier_membership::Model,
    tiers::memberships_by_ids
);
by_id_loader!(
    CatalogLoader: SuppliersOf => Vec<entity::product_supplier::Model>,
    products::suppliers_of
);
by_id_loader!(CatalogLoader: SpecsOf => Vec<entity::product_spec::Model>, products::specs_of);
by_id_loader!(CatalogLoader: PacksOf => Vec<entity::product_unit::Model>, packs::packs_of);
by_id_loader!(
    CatalogLoader: EntriesOf => Vec<entity::price_list_entry::Model>,
    pricing::entries_of
);
by_id_loader!(CatalogLoader: ProductLinesOf => Vec<String>, tiers::product_lines_of);
by_id_loader!(
    CatalogLoader: MembershipsOf => Vec<entity::tier_membership::Model>,
    tiers::memberships_of
);
by_id_loader!(
    CatalogLoader: CriteriaOf => Vec<entity::tier_criterion::Model>,
    tiers::criteria_of
);

impl Loader<NextTierAbove> for CatalogLoader {
    type Value = entity::partner_tier::Model;
    type Error = Shared;

    /// The program is read once for every evaluation a request shows.
    async fn load(
        &self,
        keys: &[NextTierAbove],
    ) -> Result<HashMap<NextTierAbove, Self::Value>, Self::Error> {
        let scope = &self.scope;
        scope
            .principal
            .ensure_can_read_catalog()
            .map_err(Arc::new)?;
        let program = qualification::program(&scope.db).await.map_err(Arc::new)?;
        Ok(keys
            .iter()
            .filter_map(|key| {
                qualification::next_above(&program, key.0).map(|tier| (*key, tier.clone()))
            })
            .collect())
    }
}

impl LoadKey for NextTierAbove {
    type Loader = CatalogLoader;
}
by_id_loader!(
    CatalogLoader: SpecialPriceLinesOf => Vec<entity::special_price_line::Model>,
    crate::channel_money::special_prices::lines_of
);
by_id_loader!(
    CatalogLoader: ClaimLinesOf => Vec<entity::claim_line::Model>,
    crate::channel_money::claims::lines_of
);
by_id_loader!(
    CatalogLoader: CreditMemoLinesOf => Vec<entity::credit_memo_line::Model>,
    crate::channel_money::credit_memos::lines_of
);
by_id_loader!(
    CatalogLoader: CreditMemoId => entity::credit_memo::Model,
    crate::channel_money::credit_memos::seen_by_ids
);
by_id_loader!(
    CatalogLoader: PriceProtectionCreditId => entity::price_protection_credit::Model,
    crate::channel_money::price_protection::seen_by_ids
);
by_id_loader!(
    CatalogLoader: FundId => entity::fund::Model,
    crate::channel_money::funds::seen_by_ids
);
by_id_loader!(
    CatalogLoader: FundRequestId => entity::fund_request::Model,
    crate::channel_money::funds::requests_seen_by_ids
);
by_id_loader!(
    CatalogLoader: FundTierAmountsOf => Vec<entity::fund_tier_amount::Model>,
    crate::channel_money::funds::tier_amounts_of
);
by_id_loader!(
    CatalogLoader: FundProofsOf => Vec<entity::fund_proof::Model>,
    crate::channel_money::funds::proofs_of
);
by_id_loader!(
    CatalogLoader: RebateProgramId => entity::rebate_program::Model,
    crate::channel_money::rebates::seen_by_ids
);
by_id_loader!(
    CatalogLoader: RebateSettlementId => entity::rebate_settlement::Model,
    crate::channel_money::rebates::settlements_seen_by_ids
);
by_id_loader!(
    CatalogLoader: ReplenishmentPolicyId => entity::replenishment_policy::Model,
    crate::replenishment::policies::seen_by_ids
);
by_id_loader!(
    CatalogLoader: ReplenishmentProposalLinesOf => Vec<entity::replenishment_proposal_line::Model>,
    crate::replenishment::proposals::lines_seen
);
by_id_loader!(
    CatalogLoader: PurchaseProposalLinesOf => Vec<entity::purchase_proposal_line::Model>,
    crate::replenishment::purchase::lines_seen
);
by_id_loader!(
    CatalogLoader: RebateThresholdsOf => Vec<entity::rebate_threshold::Model>,
    crate::channel_money::rebates::thresholds_of
);
by_id_loader!(
    CatalogLoader: ClaimId => entity::claim::Model,
    crate::channel_money::claims::seen_by_ids
);
by_id_loader!(
    CatalogLoader: SpecialPriceId => entity::special_price::Model,
    crate::channel_money::special_prices::seen_by_ids
);
