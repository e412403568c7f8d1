//! The one binary: `serve`, `migrate`, `seed` and `schema`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};

use crate::settings::Settings;
use crate::startup::Application;

/// channelgraph: a CRM backend for brands that sell through channels.
///
/// Settings come from channelgraph.toml (or the file in CHANNELGRAPH_CONFIG) and from
/// CHANNELGRAPH_* environment variables; see the README for the list.
#[derive(Parser, Debug)]
#[command(name = "channelgraph", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Apply pending migrations, then serve the GraphQL API.
    Serve {
        /// Load the demo data set first (nothing is added if it is already there).
        #[arg(long)]
        demo: bool,
    },
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Load a data set.
    Seed {
        /// The demo data set: the brand, 5 suppliers, 20 distributors, 200 dealers and 2,000
        /// end customers with contacts, addresses and channel links. Running it again adds
        /// nothing.
        #[arg(long)]
        demo: bool,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Subcommand, Debug)]
enum MigrateAction {
    /// Apply all pending migrations.
    Up,
    /// Roll back the last applied migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Schema = cli.command {
        print!("{}", crate::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("channelgraph: {e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("channelgraph: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("channelgraph: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Serve { demo } => {
            if demo {
                let (db, _) = crate::db::connect(&settings.database_url, 1)
                    .await
                    .map_err(|e| format!("cannot open the database: {e}"))?;
                Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
                let report = crate::seed::demo(&db).await.map_err(|e| e.to_string())?;
                tracing::info!("{report}");
                db.close().await.map_err(|e| e.to_string())?;
            }
            let app = Application::build(settings.clone())
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(
                address = %format!("{}:{}", settings.bind.ip(), app.port()),
                "serving GraphQL on /graphql"
            );
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        Command::Migrate { action } => {
            let (db, _) = crate::db::connect(&settings.database_url, 1)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            match action {
                MigrateAction::Up => Migrator::up(&db, None).await,
                MigrateAction::Down => Migrator::down(&db, Some(1)).await,
                MigrateAction::Status => {
                    for migration in Migrator::get_migration_with_status(&db)
                        .await
                        .map_err(|e| e.to_string())?
                    {
                        println!("{}\t{}", migration.status(), migration.name());
                    }
                    Ok(())
                }
            }
            .map_err(|e| e.to_string())
        }
        Command::Seed { demo } => {
            if !demo {
                return Err("seed needs a data set: pass --demo".into());
            }
            let (db, _) = crate::db::connect(&settings.database_url, 1)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
            let report = crate::seed::demo(&db).await.map_err(|e| e.to_string())?;
            println!("{report}");
            Ok(())
        }
        Command::Schema => Ok(()),
    }
}
