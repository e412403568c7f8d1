//! One change, recorded one way: the row written (an update only at the version the caller
//! read), its audit record, and the event partners hear of it, all in the caller's
//! transaction. Every service writes its aggregates through [`create`] and [`save`].

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use serde::Serialize;
use uuid::Uuid;

use crate::access::Principal;
use crate::audit::{self, Action};
use crate::error::Result;
use crate::events::{self, NewEvent};
use crate::store::{Versioned, save_versioned};

/// An aggregate whose changes are recorded: which event, if any, each action makes.
pub trait Recorded: EntityTrait {
    /// The row's id, which its audit records name.
    fn id_of(model: &Self::Model) -> Uuid;

    /// The event `action` makes, taken by `principal`, of the row as it now is.
    fn event(_action: Action, _principal: &Principal, _saved: &Self::Model) -> Option<NewEvent> {
        None
    }
}

/// Writes a new row, its audit record (every field, as created) and its event.
pub async fn create<E>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    row: E::ActiveModel,
) -> Result<E::Model>
where
    E: Recorded,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    E::Model: IntoActiveModel<E::ActiveModel> + Serialize,
{
    let created = row.insert(db).await?;
    recorded::<E>(db, principal, action, None, &created).await?;
    Ok(created)
}

/// Saves a changed row if it is still at the version `before` was read at, its audit record
/// (the fields that changed) and its event.
pub async fn save<E>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    before: &E::Model,
    row: E::ActiveModel,
) -> Result<E::Model>
where
    E: Recorded + Versioned,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    E::Model: Sync + Serialize,
{
    let saved = save_versioned::<E>(db, row, E::id(before), E::version(before)).await?;
    recorded::<E>(db, principal, action, Some(before), &saved).await?;
    Ok(saved)
}

/// The audit record and the event of a row written by the caller.
pub async fn recorded<E>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    before: Option<&E::Model>,
    after: &E::Model,
) -> Result<()>
where
    E: Recorded,
    E::Model: Serialize,
{
    audit::record(
        db,
        principal,
        action,
        Some(E::id_of(after)),
        before,
        Some(after),
    )
    .await?;
    if let Some(event) = E::event(action, principal, after) {
        events::emit(db, event).await?;
    }
    Ok(())
}

/// Aggregates whose changes make no event: their audit records only.
macro_rules! without_events {
    ($($module:ident),* $(,)?) => {
        $(impl Recorded for entity::$module::Entity {
            fn id_of(model: &entity::$module::Model) -> Uuid {
                model.id
            }
        })*
    };
}

without_events!(
    contact,
    address,
    channel_link,
    user,
    api_token,
    product,
    product_spec,
    price_list,
    partner_tier,
    interaction,
    commitment,
    task,
    survey_response,
    campaign,
    opportunity,
    webhook_endpoint,
    shipment,
    invoice,
    payment,
    inventory_report,
    sell_through_report,
    invitation,
    partner_application,
    program_terms,
    terms_acceptance,
);
