use sea_orm::entity::prelude::*;

/// A document that proves a funded activity took place, by reference: where it is and the
/// digest of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "fund_proofs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub fund_request_id: Uuid,
    pub position: i32,
    pub url: String,
    /// `sha256:` and 64 hexadecimal digits.
    pub digest: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
