//! The command line: serve, bootstrap logins, seed demo data.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::BufRead;

use super::{copy, db, demo, password::Passwords, users};
use crate::domain::{ContactForm, Login, NewUser, Password};

#[derive(Parser)]
#[command(
    name = "sms-portal",
    version,
    about = "Customer portal of an SMS provider"
)]
pub struct Cli {
    /// The database: sqlite://… (created and migrated when missing) or postgres://… (migrated).
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// The provider's staff logins.
    #[command(subcommand)]
    Manager(ManagerCommand),
    /// Customer accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Seed a demo manager and owner into an empty database, printing their passwords once.
    Demo,
    /// Copy this SQLite database into an empty PostgreSQL database and verify the copy.
    CopyTo {
        /// postgres://user:password@host:port/database
        target: String,
    },
    /// Print the HTTP API's OpenAPI document (as `GET /v1/openapi.json` serves it).
    Openapi,
    /// Act as the carrier.
    #[command(subcommand)]
    Carrier(CarrierCommand),
    /// SMPP credentials of customer accounts.
    #[command(subcommand)]
    Smpp(SmppCommand),
}

#[derive(Subcommand)]
pub enum SmppCommand {
    /// Make an SMPP credential for an account, named by its owner's login;
    /// prints `system_id=…` and `password=…`, the password this once.
    Create {
        #[arg(long)]
        account: String,
        /// A client network (CIDR) or address allowed to bind; repeat for
        /// more. Without it, any address may bind.
        #[arg(long)]
        allow: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum CarrierCommand {
    /// Deliver a message from a phone to a sender name or number, as the
    /// carrier would; a lone STOP puts the phone on the account's stop-list.
    Inbound {
        /// The sender name or number written to, e.g. INFO.
        #[arg(long)]
        to: String,
        /// The phone it comes from, e.g. +447430900123.
        #[arg(long)]
        from: String,
        #[arg(long)]
        text: String,
    },
}

#[derive(Subcommand)]
pub enum ManagerCommand {
    /// Create a manager; the password is read from standard input.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "Manager")]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Create an account and its owner; the password is read from standard input.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        phone: String,
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        can_add_subaccount: bool,
    },
    /// Switch an account's options, naming the account by its owner's login.
    SetOption {
        #[arg(long)]
        login: String,
        #[arg(long, value_enum)]
        can_add_subaccount: Switch,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// Runs a non-serving command; the error is what to print before exiting 1.
pub async fn run(command: Command, database_url: &str) -> Result<(), String> {
    if let Command::Openapi = command {
        println!("{}", super::v1::openapi::pretty());
        return Ok(());
    }
    let pool = db::connect(database_url)
        .await
        .map_err(|e| format!("cannot open {database_url}: {e}"))?;
    let passwords = Passwords::new();
    match command {
        Command::Serve | Command::Openapi => unreachable!("handled above and by main"),
        Command::Manager(ManagerCommand::Create { login, name }) => {
            let login = Login::parse(&login).map_err(|e| format!("login: {e}"))?;
            let password = read_password()?;
            users::create_manager(&pool, &passwords, &login, name.trim(), &password)
                .await
                .map_err(describe)?;
            println!("Manager {login} created.");
        }
        Command::Account(AccountCommand::Create {
            login,
            name,
            email,
            phone,
            company,
            can_add_subaccount,
        }) => {
            let contact = ContactForm {
                name,
                phone,
                email,
                company: company.unwrap_or_default(),
            };
            // Check the fields before asking for the password.
            NewUser::parse(&login, "a placeholder long enough", &contact)
                .map_err(|e| describe(users::CreateError::Invalid(e)))?;
            let password = read_password()?;
            let owner = NewUser::parse(&login, password.expose(), &contact)
                .map_err(|e| describe(users::CreateError::Invalid(e)))?;
            users::create_account(&pool, &passwords, &owner, can_add_subaccount)
                .await
                .map_err(describe)?;
            println!(
                "Account of {} created (owner login {}).",
                owner.contact.name, owner.login
            );
        }
        Command::Account(AccountCommand::SetOption {
            login,
            can_add_subaccount,
        }) => {
            let account_id = users::account_of_owner(&pool, &login)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no account has an owner with the login {login}"))?;
            let on = matches!(can_add_subaccount, Switch::On);
            users::set_can_add_subaccount(&pool, account_id, on)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Can Add Subaccount is {} for {login}'s account.",
                if on { "on" } else { "off" }
            );
        }
        Command::Demo => demo::seed(&pool, &passwords).await?,
        Command::Carrier(CarrierCommand::Inbound { to, from, text }) => {
            let received = super::inbound::receive(&pool, &from, &to, &text)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "received message {} for account {}{}",
                received.id,
                received.account_id,
                if received.stopped {
                    "; the sender is on its stop-list now"
                } else {
                    ""
                }
            );
        }
        Command::Smpp(SmppCommand::Create { account, allow }) => {
            use super::smpp::credentials::{self, AllowedNetworks, CreateError};
            let networks = AllowedNetworks::parse(&allow.join(" "))?;
            let account_id = users::account_of_owner(&pool, &account)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no account has an owner with the login {account}"))?;
            let created = credentials::create(&pool, &passwords, account_id, None, &networks)
                .await
                .map_err(|error| match error {
                    CreateError::TooMany => format!(
                        "the account has {} SMPP credentials already: revoke one first",
                        credentials::MAX_CREDENTIALS
                    ),
                    CreateError::Database(error) => error.to_string(),
                })?;
            let entry = super::audit::Entry {
                account_id: Some(account_id),
                actor: None,
                subject: created.system_id.clone(),
                action: "smpp_credential_created",
                detail: "by the command line".to_owned(),
            };
            super::audit::record(&pool, &super::audit::Origin::default(), entry).await;
            println!("system_id={}", created.system_id);
            println!("password={}", created.password);
        }
        Command::CopyTo { target } => {
            let copied = copy::copy_to(&pool, &target).await?;
            for (table, rows) in &copied.tables {
                println!("{table:<22} {rows:>10} rows");
            }
            println!(
                "Copied and verified: row counts equal, {} balances equal to their ledgers. Sessions were not copied: users log in again.",
                copied.accounts_checked
            );
        }
    }
    Ok(())
}

/// Reads one line from standard input (a pipe or a terminal) as the password.
fn read_password() -> Result<Password, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Password::parse(line.trim_end_matches(['\r', '\n'])).map_err(|e| format!("password: {e}"))
}

fn describe(error: users::CreateError) -> String {
    match error {
        users::CreateError::Invalid(errors) => errors
            .fields
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("\n"),
        users::CreateError::Database(error) => error.to_string(),
    }
}
