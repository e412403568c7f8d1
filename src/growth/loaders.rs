//! The campaigns, opportunities, leads and deal registrations a request's resolvers
//! follow, batched per request.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::{campaigns, deals, leads, opportunities};
use crate::graphql::loading::{LoadKey, LoadScope, Shared, by_id_loader};

/// Loads growth work for one request, on behalf of its principal.
pub struct GrowthLoader {
    pub scope: LoadScope,
    /// The rules of relationship work, for what depends on the clock (lead offers).
    pub crm: crate::settings::CrmSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CampaignId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpportunityId(pub Uuid);
/// What a campaign brought.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CampaignFiguresOf(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeadId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DealRegistrationId(pub Uuid);
/// The products a deal registration covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DealLinesOf(pub Uuid);

by_id_loader!(GrowthLoader: CampaignId => entity::campaign::Model, campaigns::by_ids);
by_id_loader!(GrowthLoader: OpportunityId => entity::opportunity::Model, opportunities::by_ids);
by_id_loader!(
    GrowthLoader: CampaignFiguresOf => super::model::CampaignFigures,
    campaigns::figures
);
by_id_loader!(
    GrowthLoader: DealRegistrationId => entity::deal_registration::Model,
    deals::by_ids
);
by_id_loader!(
    GrowthLoader: DealLinesOf => Vec<entity::deal_registration_line::Model>,
    deals::lines_of
);

impl Loader<LeadId> for GrowthLoader {
    type Value = entity::lead::Model;
    type Error = Shared;

    async fn load(&self, keys: &[LeadId]) -> Result<HashMap<LeadId, Self::Value>, Shared> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = leads::by_ids(&self.scope.db, &self.scope.principal, &self.crm, &ids)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|(id, m)| (LeadId(id), m)).collect())
    }
}

impl LoadKey for LeadId {
    type Loader = GrowthLoader;
}
