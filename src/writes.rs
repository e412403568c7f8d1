//! Rows a change writes without needing an answer from the database (its history, audit
//! record and event with their audiences and webhook deliveries, an order's own rows),
//! gathered and sent together: one statement of data-modifying CTEs on PostgreSQL, where
//! each round trip costs, one statement each on SQLite, where none does.
//!
//! The rows carry the ids they are written under, made before they are sent, so nothing
//! written here is read back. Foreign keys between rows of one batch hold: PostgreSQL
//! checks them when the whole statement has run.

use sea_orm::sea_query::{Alias, CommonTableExpression, InsertStatement, WithClause, WithQuery};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryResult, QueryTrait,
};

use crate::error::Result;
use crate::events::Deliveries;

/// Writes gathered for one transaction, in the order they were asked for.
#[derive(Default)]
#[must_use = "nothing is written until the writes are run"]
pub struct Writes {
    steps: Vec<Step>,
}

enum Step {
    Insert(Box<InsertStatement>),
    Deliveries(Deliveries),
}

impl Writes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts a row whose every column is set.
    pub fn insert<A>(&mut self, row: A)
    where
        A: ActiveModelTrait,
    {
        self.steps
            .push(Step::Insert(Box::new(A::Entity::insert(row).into_query())));
    }

    /// Inserts rows of one table, each with the same columns set; none, nothing.
    pub fn insert_many<A>(&mut self, rows: impl IntoIterator<Item = A>)
    where
        A: ActiveModelTrait,
    {
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_some() {
            self.steps.push(Step::Insert(Box::new(
                A::Entity::insert_many(rows).into_query(),
            )));
        }
    }

    /// An insert built elsewhere (an upsert that adds to a running figure, say), which
    /// answers with nothing the change needs.
    pub fn insert_statement(&mut self, insert: InsertStatement) {
        self.steps.push(Step::Insert(Box::new(insert)));
    }

    /// An event's webhook deliveries, to the endpoints that want it when the writes run.
    pub(crate) fn deliveries(&mut self, deliveries: Deliveries) {
        self.steps.push(Step::Deliveries(deliveries));
    }

    /// Sends the writes as a transaction of their own: on PostgreSQL their one statement,
    /// which commits or fails whole; on SQLite in a write transaction.
    pub async fn run_alone(self, db: &sea_orm::DatabaseConnection) -> Result<()> {
        if db.get_database_backend() == DatabaseBackend::Postgres {
            self.run(db).await?;
            crate::events::bus::committed();
            return Ok(());
        }
        let txn = crate::db::begin_write(db).await?;
        self.run(&txn).await?;
        crate::db::commit(txn).await?;
        Ok(())
    }

    /// Sends the writes on `db`, which must be the change's own transaction.
    pub async fn run(self, db: &impl ConnectionTrait) -> Result<()> {
        self.send(db, None).await?;
        Ok(())
    }

    /// Sends the writes on `db`, the change's own transaction, and then `last`, a statement
    /// that answers with at most one row (an upsert with `RETURNING` whose condition may
    /// leave it out): that row. On PostgreSQL all of it is one statement, `last` its
    /// primary statement, which runs before the other writes and so takes its row locks
    /// first.
    pub async fn run_answering(
        self,
        db: &impl ConnectionTrait,
        last: InsertStatement,
    ) -> Result<Option<QueryResult>> {
        self.send(db, Some(last)).await
    }

    async fn send(
        self,
        db: &impl ConnectionTrait,
        answering: Option<InsertStatement>,
    ) -> Result<Option<QueryResult>> {
        let backend = db.get_database_backend();
        if backend != DatabaseBackend::Postgres {
            for step in self.steps {
                match step {
                    Step::Insert(insert) => {
                        db.execute(insert.as_ref()).await?;
                    }
                    Step::Deliveries(deliveries) => deliveries.write(db).await?,
                }
            }
            return Ok(match answering {
                Some(last) => db.query_one(&last).await?,
                None => None,
            });
        }
        let mut statements = self
            .steps
            .into_iter()
            .map(|step| match step {
                Step::Insert(insert) => Ok(*insert),
                Step::Deliveries(deliveries) => deliveries.statement(),
            })
            .collect::<Result<Vec<InsertStatement>>>()?;
        let (primary, answers) = match answering {
            Some(last) => (last, true),
            None => match statements.pop() {
                Some(last) => (last, false),
                None => return Ok(None),
            },
        };
        let sent = if statements.is_empty() {
            backend.build(&primary)
        } else {
            let mut with = WithClause::new();
            for (i, insert) in statements.into_iter().enumerate() {
                with.cte(
                    CommonTableExpression::new()
                        .query(insert)
                        .table_name(Alias::new(format!("w{i}")))
                        .to_owned(),
                );
            }
            let statement: WithQuery = primary.with(with);
            backend.build(&statement)
        };
        if answers {
            return Ok(db.query_one_raw(sent).await?);
        }
        db.execute_raw(sent).await?;
        Ok(None)
    }
}
