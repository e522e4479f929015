//! `TestApp`: the real application on port 0 with a fresh database.

use super::database;
pub use super::form::encode_form;
use crate::server::db::Pool;
use leptos::config::LeptosOptions;
use reqwest::{header, redirect, Response, StatusCode};
use tempfile::TempDir;

use crate::{
    domain::{ContactForm, Login, Money, NewUser, Password, PermissionSet},
    server::{
        app::{router, HttpConfig, SESSION_COOKIE},
        db, finance,
        password::Passwords,
        sub_accounts, users,
    },
};

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    /// The database's URL.
    pub url: String,
    pub pool: Pool,
    pub passwords: Passwords,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
    _dir: TempDir,
}

/// A logged-in client: the session cookie it carries.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
}

pub struct Account {
    pub id: i64,
}

/// Sends the server's warnings and errors to the test's output, so that a
/// test failing on a 500 shows its cause. A test that installs a subscriber
/// of its own (`set_default`) still gets everything itself.
fn print_warnings() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn,sqlx=error")
        .with_test_writer()
        .try_init();
}

fn contact(name: &str) -> ContactForm {
    ContactForm {
        name: name.into(),
        phone: "+44 20 7946 0958".into(),
        email: "someone@example.com".into(),
        company: String::new(),
    }
}

impl TestApp {
    /// The application with its default settings, but no per-address login
    /// limit: every test client comes from 127.0.0.1.
    pub async fn spawn() -> Self {
        Self::spawn_with(HttpConfig {
            login_attempts_per_minute: 0,
            ..HttpConfig::default()
        })
        .await
    }

    pub async fn spawn_with(config: HttpConfig) -> Self {
        print_warnings();
        let dir = tempfile::tempdir().expect("temp dir");
        let url = fresh_database(&dir).await;
        let pool = db::connect(&url).await.expect("database");
        // Where `cargo leptos build` wrote the site (scripts/env.sh exports it).
        let site_root =
            std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".to_owned());
        let options = LeptosOptions::builder()
            .output_name("sms-portal")
            .site_root(site_root)
            .build();
        let (app, _) = router(pool.clone(), options, &config)
            .await
            .expect("router");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        // A timeout turns a hung request into a failing test instead of a
        // stalled run. Generous: in the 1,000-write proof on PostgreSQL, beside
        // another test process, a login's hash (at idle priority) once waited
        // over 20 s for a core.
        let client = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap();
        Self {
            base,
            url,
            pool,
            passwords: Passwords::new(),
            client,
            server,
            _dir: dir,
        }
    }

    /// Stops the server and closes its connections: a test that starts
    /// many applications in turn (the matrix, on PostgreSQL) would
    /// otherwise hold every one's connections until it ends.
    pub async fn close(self) {
        self.server.abort();
        let _ = self.server.await;
        self.pool.close().await;
    }

    pub async fn manager(&self, login: &str) -> String {
        let login = Login::parse(login).unwrap();
        users::create_manager(
            &self.pool,
            &self.passwords,
            &login,
            "Morgan",
            &Password::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap();
        login.into_inner()
    }

    pub async fn account(&self, owner: &str, can_add_subaccount: bool) -> Account {
        let user = NewUser::parse(owner, PASSWORD, &contact("Olivia Owner")).unwrap();
        let id = users::create_account(&self.pool, &self.passwords, &user, can_add_subaccount)
            .await
            .unwrap();
        Account { id }
    }

    /// `owner`'s new account with `euros` on it, topped up by the owner.
    pub async fn funded_account(&self, owner: &str, euros: i64) -> Account {
        let account = self.account(owner, true).await;
        if euros > 0 {
            let owner = self.user_id(owner).await;
            finance::top_up(&self.pool, account.id, owner, Money::euros(euros))
                .await
                .unwrap();
        }
        account
    }

    /// Creates a sub-account with `permissions`; returns its id.
    pub async fn sub_account(
        &self,
        account: &Account,
        login: &str,
        permissions: PermissionSet,
    ) -> i64 {
        let user = NewUser::parse(login, PASSWORD, &contact("Sam Sub")).unwrap();
        let id = sub_accounts::create(&self.pool, &self.passwords, account.id, &user, None)
            .await
            .unwrap();
        users::mark_password_own(&self.pool, id).await.unwrap();
        assert!(
            sub_accounts::save_permissions(&self.pool, account.id, id, permissions)
                .await
                .unwrap()
        );
        id
    }

    /// POSTs a form to a server function, as the hydrated app does.
    pub async fn call(
        &self,
        session: Option<&Session>,
        endpoint: &str,
        form: Vec<(&'static str, String)>,
    ) -> Response {
        let mut request = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(encode_form(&form));
        if let Some(session) = session {
            request = request.header(header::COOKIE, &session.cookie);
        }
        request.send().await.expect("request")
    }

    /// Calls a server function and reads its JSON answer.
    pub async fn json(
        &self,
        session: &Session,
        endpoint: &str,
        form: Vec<(&'static str, String)>,
    ) -> serde_json::Value {
        let response = self.call(Some(session), endpoint, form).await;
        response
            .json()
            .await
            .unwrap_or_else(|error| panic!("{endpoint}: {error}"))
    }

    /// The id of the user logging in as `login`.
    pub async fn user_id(&self, login: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(login)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn get(&self, session: Option<&Session>, path: &str) -> Response {
        let mut request = self
            .client
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html");
        if let Some(session) = session {
            request = request.header(header::COOKIE, &session.cookie);
        }
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// Logs in and returns the session, or the refusal's status.
    pub async fn try_login(&self, login: &str, password: &str) -> Result<Session, Response> {
        let response = self
            .call(
                None,
                "session/login",
                vec![("login", login.into()), ("password", password.into())],
            )
            .await;
        match session_cookie(&response) {
            Some(cookie) if response.status() == StatusCode::OK => Ok(Session { cookie }),
            _ => Err(response),
        }
    }

    pub async fn login(&self, login: &str) -> Session {
        self.try_login(login, PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("login of {login} refused: {}", r.status()))
    }
}

/// The URL of an empty database: a SQLite file in `dir`, or a new database
/// on the test PostgreSQL server when there is one.
pub async fn fresh_database(dir: &TempDir) -> String {
    database::fresh_database(dir.path(), "test.db").await
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{SESSION_COOKIE}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}
