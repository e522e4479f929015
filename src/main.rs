use clap::Parser;
use leptos::config::get_configuration;
use sms_portal::server::{
    app::{router, secure_cookies, HttpConfig},
    cli::{self, Cli, Command},
    daily_totals, db, gateway,
    password::Passwords,
    smpp::{SmppConfig, SmppServer},
    v1::ApiAdmission,
    webhooks,
};
use std::{sync::Arc, time::Duration};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    // Commands print their own results; sqlx's slow-statement warnings
    // (the demo's bulk inserts take seconds on purpose) would bury them.
    let default_filter = match cli.command {
        None | Some(Command::Serve) => "info,sqlx=warn",
        Some(_) => "warn,sqlx=error",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .init();
    match cli.command {
        None | Some(Command::Serve) => {
            if let Err(error) = serve(&cli.database_url).await {
                eprintln!("error: {error}");
                std::process::exit(1);
            }
        }
        Some(command) => {
            if let Err(error) = cli::run(command, &cli.database_url).await {
                eprintln!("error: {error}");
                std::process::exit(1);
            }
        }
    }
}

/// Binds a listening socket; a refusal says which address it was, since two
/// listeners (HTTP and SMPP) can fail with the same operating-system error.
async fn listen<A>(address: A, what: &str) -> Result<tokio::net::TcpListener, String>
where
    A: tokio::net::ToSocketAddrs + std::fmt::Display + Copy,
{
    tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen for {what} on {address}: {error}"))
}

async fn serve(database_url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let options = get_configuration(None)?.leptos_options;
    let address = options.site_addr;
    let pool = db::connect(database_url).await?;
    fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
    let config = HttpConfig {
        secure_cookies: secure_cookies(
            address,
            std::env::var("SMS_PORTAL_SECURE_COOKIES").ok().as_deref(),
        ),
        idle_timeout: time::Duration::minutes(setting("SMS_PORTAL_IDLE_MINUTES", 30)),
        absolute_timeout: time::Duration::minutes(setting(
            "SMS_PORTAL_SESSION_MAX_MINUTES",
            12 * 60,
        )),
        login_attempts_per_minute: setting("SMS_PORTAL_LOGIN_PER_MINUTE", 20),
        export_stall: Duration::from_secs(setting("SMS_PORTAL_EXPORT_STALL_SECONDS", 60)),
        api_rate_per_second: setting("SMS_PORTAL_API_RATE_PER_SECOND", 50),
        api_burst: setting("SMS_PORTAL_API_BURST", 100),
        webhook_urls: webhooks::UrlPolicy {
            allow_private: setting("SMS_PORTAL_WEBHOOK_ALLOW_PRIVATE", 0) == 1,
        },
        smpp_address: None,
        api_at_once: setting("SMS_PORTAL_API_AT_ONCE", ApiAdmission::per_core_limit()),
    };
    // SMPP is off unless an address is given.
    let smpp_listener = match std::env::var("SMS_PORTAL_SMPP_ADDR") {
        Ok(address) if !address.trim().is_empty() => Some(listen(address.trim(), "SMPP").await?),
        _ => None,
    };
    let config = HttpConfig {
        smpp_address: smpp_listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok()),
        ..config
    };
    let (app, sessions) = router(pool.clone(), options, &config).await?;
    let carrier = match std::env::var_os("SMS_PORTAL_GATEWAY_LOG") {
        Some(path) => gateway::SimulatedGateway::logging_to(path.into())?,
        None => gateway::SimulatedGateway::default(),
    };
    let lease = Duration::from_secs(setting(
        "SMS_PORTAL_DELIVERY_LEASE_SECONDS",
        gateway::DEFAULT_LEASE.as_secs(),
    ));
    let dispatcher = gateway::spawn_dispatcher(
        pool.clone(),
        Arc::new(carrier),
        Duration::from_millis(500),
        lease,
    );
    let poster = webhooks::sender::Poster::new(config.webhook_urls);
    let webhook_sender = webhooks::sender::spawn(pool.clone(), poster, Duration::from_secs(1));
    let cleanup = sessions.spawn_cleanup(Duration::from_secs(60));
    let folding = daily_totals::spawn_folding(pool.clone(), Duration::from_secs(1));
    let smpp = match smpp_listener {
        Some(listener) => {
            let defaults = SmppConfig::default();
            let smpp_config = SmppConfig {
                submits_per_second: setting("SMS_PORTAL_SMPP_RATE", defaults.submits_per_second),
                ..defaults
            };
            let passwords = Passwords::new();
            Some(SmppServer::spawn(listener, database_url, passwords, smpp_config).await?)
        }
        None => None,
    };
    if let Some(smpp) = &smpp {
        tracing::info!("SMPP listening on {}", smpp.address);
    }
    let listener = listen(address, "HTTP").await?;
    tracing::info!("sms-portal listening on http://{address}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    // Requests in flight have been answered; let the delivery round finish too.
    if let Some(smpp) = smpp {
        smpp.shutdown().await;
    }
    tracing::info!("shutting down: finishing the delivery round in progress");
    dispatcher.shutdown().await;
    webhook_sender.shutdown().await;
    folding.shutdown().await;
    cleanup.abort();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
