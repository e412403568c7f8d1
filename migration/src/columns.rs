//! Column and index shapes shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// A sort key column: byte order on both databases, so lists page and sort the same everywhere.
pub fn sort_key(manager: &SchemaManager, col: impl IntoIden) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    def.string_len(400).not_null();
    if manager.get_database_backend() == DbBackend::Postgres {
        def.extra("COLLATE \"C\"");
    }
    def
}

pub fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}

pub fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}

pub fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

pub fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().take()
}

pub fn text_null(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().take()
}

pub fn long_text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

pub fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

pub fn timestamp_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

pub fn version(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().default(1).take()
}

pub fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    stmt.take()
}

/// An amount, a price, a rate or a quantity, as the first migrations made them: `numeric(19, 4)`.
/// `m20261203_000001_exact_amounts` turns every one into whole ten-thousandths (`BIGINT`).
pub fn decimal(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).decimal_len(19, 4).not_null().take()
}

pub fn decimal_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).decimal_len(19, 4).null().take()
}

pub fn integer(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().take()
}

pub fn date(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).date().not_null().take()
}

pub fn date_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).date().null().take()
}

pub fn boolean(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .take()
}

pub fn foreign_key(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .take()
}
