use sea_orm::entity::prelude::*;

use crate::enums::{BuyingRole, ConsentStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub buying_role: Option<BuyingRole>,
    pub preferences: Option<String>,
    pub notes: Option<String>,
    pub marketing_consent: ConsentStatus,
    pub consent_changed_at: Option<DateTimeUtc>,
    pub consent_source: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
}

impl ActiveModelBehavior for ActiveModel {}
