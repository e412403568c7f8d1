//! The one binary: `serve`, `migrate`, `seed`, `schema`, `user` and `document`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};

use entity::enums::UserRole;

use crate::access::Principal;
use crate::auth::service::{create_user, parse_new_user};
use crate::settings::{Mode, Settings};
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
        #[arg(long, conflicts_with = "scale")]
        demo: bool,
        /// The scale data set for benchmarks, into an empty PostgreSQL database: 20
        /// suppliers, 200 distributors, 10,000 dealers, 200,000 end customers, 2,000
        /// products, 1,000,000 orders with 5,000,000 lines, 100,000 cases and 500,000
        /// interactions, with the demo's sign-ins.
        #[arg(long)]
        scale: bool,
        /// Shrinks (or grows) every count of --scale, at least one of each: 0.001 is a smoke
        /// run of a few seconds.
        #[arg(long, default_value_t = 1.0, requires = "scale")]
        scale_factor: f64,
        /// The seed of --scale's generator: the same seed and --until give the same rows.
        #[arg(long, default_value_t = 2026, requires = "scale")]
        seed: u64,
        /// The day --scale's three years of history end (YYYY-MM-DD); today by default.
        #[arg(long, requires = "scale")]
        until: Option<chrono::NaiveDate>,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Registered GraphQL documents.
    Document {
        #[command(subcommand)]
        action: DocumentAction,
    },
    /// The sales rollups the figures read.
    Rollups {
        #[command(subcommand)]
        action: RollupAction,
    },
}

#[derive(Subcommand, Debug)]
enum RollupAction {
    /// Works every rollup out again from the orders, in one transaction: after orders were
    /// changed in SQL, outside the API. Prints the number of rollup rows.
    Rebuild,
}

#[derive(Subcommand, Debug)]
enum DocumentAction {
    /// Registers the GraphQL document in FILE and prints its id.
    Register { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
enum UserAction {
    /// Create a user, for example the first admin. The password is read from the
    /// CHANNELGRAPH_USER_PASSWORD environment variable or, if that is not set, from the first
    /// line of standard input; never from the command line.
    Create {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// One staff role (ADMIN, MANAGER, SALES, SERVICE, ANALYST), or partner roles
        /// (PARTNER_ADMIN, PARTNER_MANAGER, PARTNER_SALES, PARTNER_FINANCE, PARTNER_SERVICE)
        /// joined by commas.
        #[arg(long)]
        role: String,
        /// Full name; defaults to the email.
        #[arg(long)]
        name: Option<String>,
        /// Partner code of the organization a partner user belongs to.
        #[arg(long)]
        organization: Option<String>,
    },
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
        print!("{}", crate::schema::sdl());
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
            if demo && settings.mode == Mode::Production {
                return Err(
                    "--demo: production mode refuses the demo data and its public passwords".into(),
                );
            }
            if demo {
                let (db, _) = crate::db::connect(&settings.database_url, 1)
                    .await
                    .map_err(|e| format!("cannot open the database: {e}"))?;
                Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
                let report = crate::seed::demo(&db).await.map_err(|e| e.to_string())?;
                println!("{report}");
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
        Command::Document {
            action: DocumentAction::Register { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            async_graphql::parser::parse_query(&text)
                .map_err(|e| format!("{} is not a GraphQL document: {e}", file.display()))?;
            let (db, _) = crate::db::connect(&settings.database_url, 1)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
            let id = crate::documents::DocumentCache::default()
                .register(&db, &Principal::System, &text)
                .await
                .map_err(|e| e.to_string())?;
            println!("{id}");
            Ok(())
        }
        Command::Rollups {
            action: RollupAction::Rebuild,
        } => {
            let (db, _) = crate::db::connect(&settings.database_url, 1)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
            let rebuilt = async {
                let txn = crate::db::begin_write(&db).await?;
                let rows = crate::analytics::rollups::rebuild(&txn).await?;
                txn.commit().await?;
                Ok::<u64, crate::error::Error>(rows)
            }
            .await
            .map_err(|e| e.to_string())?;
            println!("{rebuilt}");
            Ok(())
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
        Command::Seed {
            demo,
            scale,
            scale_factor,
            seed,
            until,
        } => {
            let set = match (demo, scale) {
                (true, _) => "--demo",
                (_, true) => "--scale",
                _ => return Err("seed needs a data set: pass --demo or --scale".into()),
            };
            if settings.mode == Mode::Production {
                return Err(format!(
                    "{set}: production mode refuses the demo data and its public passwords"
                ));
            }
            let (db, _) = crate::db::connect(&settings.database_url, 1)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
            if demo {
                let report = crate::seed::demo(&db).await.map_err(|e| e.to_string())?;
                println!("{report}");
                return Ok(());
            }
            let options = crate::seed::ScaleOptions {
                factor: scale_factor,
                seed,
                until: until.unwrap_or_else(|| crate::store::now().date_naive()),
            };
            let report = crate::seed::scale(&db, options)
                .await
                .map_err(|e| e.to_string())?;
            println!("{report}");
            Ok(())
        }
        Command::Schema => Ok(()),
        Command::User {
            action:
                UserAction::Create {
                    email,
                    role,
                    name,
                    organization,
                },
        } => {
            let roles = parse_roles(&role)?;
            let password = match std::env::var("CHANNELGRAPH_USER_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let (db, _) = crate::db::connect(&settings.database_url, 1)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            Migrator::up(&db, None).await.map_err(|e| e.to_string())?;
            let organization_id = match organization {
                Some(code) => Some(
                    crate::organizations::service::by_code(&db, &Principal::System, &code)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("--organization: no organization has code {code}"))?
                        .id,
                ),
                None => None,
            };
            let name = name.unwrap_or_else(|| email.clone());
            let new = parse_new_user(&email, &name, password, roles, organization_id)
                .map_err(describe)?;
            let user = create_user(&db, &Principal::System, new)
                .await
                .map_err(describe)?;
            println!(
                "created {} ({}) with id {}",
                user.email,
                user.roles.codes(),
                user.id
            );
            Ok(())
        }
    }
}

fn parse_roles(raw: &str) -> Result<entity::roles::Roles, String> {
    use sea_orm::{ActiveEnum, Iterable};
    let names: Vec<String> = UserRole::iter().map(|r| r.to_value()).collect();
    let given = raw
        .split(',')
        .map(|one| {
            UserRole::iter()
                .find(|r| r.to_value().eq_ignore_ascii_case(one.trim()))
                .ok_or_else(|| format!("--role: `{one}` is not one of {}", names.join(", ")))
        })
        .collect::<Result<Vec<_>, String>>()?;
    crate::auth::service::parse_roles(&["role"], &given).map_err(describe)
}

/// A service error as one line for the terminal, naming the field for input errors.
fn describe(err: crate::error::Error) -> String {
    match err {
        crate::error::Error::User(e) => {
            let field = e.field.last().cloned().unwrap_or_default();
            format!("--{field}: {}", e.message)
        }
        other => other.to_string(),
    }
}
