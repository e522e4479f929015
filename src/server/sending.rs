//! Bulk SMS: sender names, campaign planning, charging and the campaign list.

use crate::server::db::Pool;
use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use super::db::{self, begin_write};
use crate::{
    domain::wire::{
        sending::{CampaignRow, ComposeChoices, Draft, Estimate, SenderName},
        AppError, FormErrors, Page, PER_PAGE,
    },
    domain::{Money, Phone, Segments, MAX_PARTS},
};

/// How many stop-listed numbers a review names (the count says the rest).
const STOPPED_NAMED: usize = 20;

/// The most recipients one campaign may have.
pub const MAX_RECIPIENTS: usize = 50_000;

pub async fn senders(pool: &Pool, account_id: i64) -> Result<Vec<SenderName>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, status, note, created_at FROM sender_names WHERE account_id = $1 ORDER BY name")
        .bind(account_id)
        .fetch_all(pool)
        .await
}

pub async fn compose_options(pool: &Pool, account_id: i64) -> Result<ComposeChoices, sqlx::Error> {
    let senders = sqlx::query_scalar(
        "SELECT name FROM sender_names WHERE account_id = $1 AND status = 'approved' ORDER BY name",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    let lists = sqlx::query_as(
        "SELECT l.id, l.name, (SELECT COUNT(*) FROM contacts c WHERE c.list_id = l.id) AS contacts \
         FROM contact_lists l WHERE l.account_id = $1 ORDER BY lower(l.name), l.id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    Ok(ComposeChoices {
        senders,
        lists,
        cap: None,
    })
}

pub async fn balance(pool: &Pool, account_id: i64) -> Result<Money, sqlx::Error> {
    sqlx::query_scalar("SELECT balance FROM account_balances WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(pool)
        .await
        .map(Money)
}

/// The provider's routes by country. A number's country is read from the
/// number itself with libphonenumber's metadata (so `+1 416…` is Canada and
/// `+44 7911…` Guernsey); a country's price is its dearest network's, since
/// the network is known only after sending. Guernsey, Jersey and the Isle
/// of Man share the UK's +44 and its networks: unless the price list names
/// them, they are priced, and counted, as GB.
pub struct Routes(HashMap<String, i64>);

/// Why a number is not sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unroutable {
    /// Not a valid number of its country: wrong length, unassigned range.
    Invalid,
    /// Valid, but the provider has no price for its country.
    NoRoute,
}

/// Crown dependencies numbered in the UK's plan.
const PRICED_AS_GB: [&str; 3] = ["GG", "JE", "IM"];

impl Routes {
    pub async fn load(pool: &Pool) -> Result<Self, sqlx::Error> {
        let routes: Vec<(String, i64)> =
            sqlx::query_as("SELECT country_code, MAX(price) FROM prices GROUP BY country_code")
                .fetch_all(pool)
                .await?;
        Ok(Self(routes.into_iter().collect()))
    }

    /// Country and unit price of a number.
    pub fn route(&self, phone: &str) -> Result<(String, i64), Unroutable> {
        let country = super::phone::valid_country(phone).ok_or(Unroutable::Invalid)?;
        let priced = |country: &str| self.0.get(country).copied();
        match priced(&country) {
            Some(price) => Ok((country, price)),
            None if PRICED_AS_GB.contains(&country.as_str()) => priced("GB")
                .map(|price| ("GB".to_owned(), price))
                .ok_or(Unroutable::NoRoute),
            None => Err(Unroutable::NoRoute),
        }
    }
}

/// One recipient that will be sent to.
pub struct Recipient {
    pub phone: String,
    pub country_code: String,
    pub price: i64,
}

/// A checked campaign: what will be sent, what is blocked, what it costs.
pub struct Plan {
    pub sender: String,
    pub text: String,
    pub segments: Segments,
    pub recipients: Vec<Recipient>,
    pub stop_listed: Vec<String>,
    pub no_route: Vec<String>,
    pub invalid: Vec<String>,
    pub duplicates: i64,
    pub cost: Money,
}

impl Plan {
    /// What the form shows; whether the balance covers the cost only to
    /// viewers who may see finances (`balance` is `None` for the others).
    pub fn estimate(&self, balance: Option<Money>) -> Estimate {
        Estimate {
            recipients: self.recipients.len() as i64,
            invalid: self.invalid.clone(),
            duplicates: self.duplicates,
            stop_listed: self.stop_listed.len() as i64,
            stopped_numbers: self
                .stop_listed
                .iter()
                .take(STOPPED_NAMED)
                .map(|number| super::phone::grouped(number))
                .collect(),
            no_route: self.no_route.len() as i64,
            segments: self.segments,
            cost: self.cost,
            enough_balance: balance.map(|balance| balance >= self.cost),
        }
    }
}

/// The contact list field: empty for none.
pub fn list_choice(raw: &str) -> Result<Option<i64>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        id => id
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("list_id", "Choose one of your contact lists.")),
    }
}

/// Checks a campaign form and works out recipients and cost; writes nothing.
pub async fn plan(
    pool: &Pool,
    account_id: i64,
    sender: &str,
    list_id: Option<i64>,
    numbers: &str,
    text: &str,
) -> Result<Plan, AppError> {
    let mut errors = FormErrors::default();
    for (field, value) in [("sender", sender), ("numbers", numbers), ("text", text)] {
        errors.keep(field, value);
    }
    let mut invalid = Vec::new();
    let mut typed = Vec::new();
    for raw in numbers
        .split(['\n', '\r', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Phone::parse_lenient(raw) {
            Ok(phone) => typed.push(phone.into_inner()),
            Err(_) => invalid.push(raw.chars().take(40).collect()),
        }
    }
    let mut plan = plan_checked(pool, account_id, sender, list_id, typed, text, errors).await?;
    // What could not be read at all first, then what its country refuses.
    invalid.append(&mut plan.invalid);
    plan.invalid = invalid;
    Ok(plan)
}

/// Plans a send to `numbers`, already E.164 (the HTTP API's way in).
pub async fn plan_numbers(
    pool: &Pool,
    account_id: i64,
    sender: &str,
    numbers: Vec<String>,
    text: &str,
) -> Result<Plan, AppError> {
    plan_checked(
        pool,
        account_id,
        sender,
        None,
        numbers,
        text,
        FormErrors::default(),
    )
    .await
}

/// [`plan`] once the typed numbers are read: `errors` already keeps the
/// form's values.
async fn plan_checked(
    pool: &Pool,
    account_id: i64,
    sender: &str,
    list_id: Option<i64>,
    numbers: Vec<String>,
    text: &str,
    mut errors: FormErrors,
) -> Result<Plan, AppError> {
    let segments = Segments::of(text);
    if text.trim().is_empty() {
        errors.add("text", "Write the message.");
    } else if segments.parts > MAX_PARTS {
        errors.add(
            "text",
            format!(
                "A message has at most {MAX_PARTS} parts; this one needs {}.",
                segments.parts
            ),
        );
    }

    let mut candidates: Vec<String> = Vec::new();
    if let Some(list_id) = list_id {
        let phones: Option<Vec<String>> = {
            let owned: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM contact_lists WHERE id = $1 AND account_id = $2",
            )
            .bind(list_id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            match owned {
                Some(_) => Some(
                    sqlx::query_scalar("SELECT phone FROM contacts WHERE list_id = $1 ORDER BY id")
                        .bind(list_id)
                        .fetch_all(pool)
                        .await?,
                ),
                None => None,
            }
        };
        match phones {
            Some(phones) => candidates.extend(phones),
            None => errors.add("list_id", "Choose one of your contact lists."),
        }
    }
    candidates.extend(numbers);
    let mut seen = HashSet::new();
    let total = candidates.len();
    candidates.retain(|phone| seen.insert(phone.clone()));
    let duplicates = (total - candidates.len()) as i64;
    if candidates.is_empty() && errors.error("list_id").is_none() {
        errors.add(
            "numbers",
            "Add recipients: choose a contact list or paste phone numbers.",
        );
    }
    if candidates.len() > MAX_RECIPIENTS {
        errors.add(
            "numbers",
            format!("A campaign has at most {MAX_RECIPIENTS} recipients."),
        );
    }
    // Too many to send is refused below; their stop-list entries do not matter.
    let checked = if candidates.len() <= MAX_RECIPIENTS {
        &candidates[..]
    } else {
        &[]
    };
    let PlanFacts {
        sender_approved,
        stop,
        routes,
    } = PlanFacts::read(pool, account_id, sender, checked).await?;
    if !sender_approved {
        errors.add("sender", "Choose one of your approved sender names.");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }

    let parts = segments.parts as i64;
    let (mut recipients, mut stop_listed, mut no_route, mut invalid) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for phone in candidates {
        if stop.contains(&phone) {
            stop_listed.push(phone);
            continue;
        }
        match routes.route(&phone) {
            Ok((country_code, price)) => recipients.push(Recipient {
                country_code,
                price: price * parts,
                phone,
            }),
            Err(Unroutable::Invalid) => invalid.push(phone),
            Err(Unroutable::NoRoute) => no_route.push(phone),
        }
    }
    let cost = Money(recipients.iter().map(|r| r.price).sum());
    Ok(Plan {
        sender: sender.to_owned(),
        text: text.to_owned(),
        segments,
        recipients,
        stop_listed,
        no_route,
        invalid,
        duplicates,
        cost,
    })
}

/// What planning a send reads from the database, in one round trip: a
/// send through the API is a dozen, and each costs the server and the
/// database a wake-up.
struct PlanFacts {
    sender_approved: bool,
    /// The recipients on the account's stop list (only those: the list
    /// may be long, a send short).
    stop: HashSet<String>,
    routes: Routes,
}

impl PlanFacts {
    async fn read(
        pool: &Pool,
        account_id: i64,
        sender: &str,
        recipients: &[String],
    ) -> Result<Self, sqlx::Error> {
        let recipients_of_json = match db::Backend::of(pool) {
            db::Backend::Sqlite => "SELECT value FROM json_each($3)",
            db::Backend::Postgres => "SELECT jsonb_array_elements_text($3::jsonb)",
        };
        let sql = format!(
            "SELECT 'route', country_code, MAX(price) FROM prices GROUP BY country_code \
             UNION ALL SELECT 'stop', phone, 0 FROM stop_list \
             WHERE account_id = $1 AND phone IN ({recipients_of_json}) \
             UNION ALL SELECT 'sender', name, 0 FROM sender_names \
             WHERE account_id = $1 AND name = $2 AND status = 'approved'"
        );
        let recipients = serde_json::to_string(recipients).unwrap_or_else(|_| "[]".into());
        let rows: Vec<(String, String, i64)> = sqlx::query_as(&sql)
            .bind(account_id)
            .bind(sender)
            .bind(recipients)
            .fetch_all(pool)
            .await?;
        let mut facts = Self {
            sender_approved: false,
            stop: HashSet::new(),
            routes: Routes(HashMap::new()),
        };
        for (kind, value, price) in rows {
            match kind.as_str() {
                "route" => {
                    facts.routes.0.insert(value, price);
                }
                "stop" => {
                    facts.stop.insert(value);
                }
                _ => facts.sender_approved = true,
            }
        }
        Ok(facts)
    }
}

/// Plans a composed campaign (see [`plan`]).
pub async fn plan_draft(pool: &Pool, account_id: i64, draft: &Draft) -> Result<Plan, AppError> {
    let list_id = list_choice(&draft.list_id)?;
    plan(
        pool,
        account_id,
        &draft.sender,
        list_id,
        &draft.numbers,
        &draft.text,
    )
    .await
}

/// What sending `draft` would do, as the caller may see it: whether the
/// balance covers it only for those who may see the balance.
pub async fn estimate(caller: &super::guard::Caller, draft: &Draft) -> Result<Estimate, AppError> {
    use crate::domain::Permission;
    let plan = plan_draft(caller.pool(), caller.account_id, draft).await?;
    let balance = match caller.viewer.has(Permission::SeeFinance) {
        true => Some(balance(caller.pool(), caller.account_id).await?),
        false => None,
    };
    let mut estimate = plan.estimate(balance);
    // The stop-list itself is Blocked SMS's: others learn only the count.
    if !caller.viewer.has(Permission::SeeBlockedSms) {
        estimate.stopped_numbers.clear();
    }
    Ok(estimate)
}

/// How long a review can be sent: long enough for a coffee, short enough
/// that nobody sends yesterday's campaign by accident.
/// Messages per INSERT statement (3 parameters each, within both
/// backends' limits).
const MESSAGES_PER_INSERT: usize = 1000;

const REVIEW_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How many reviews one user keeps; older ones go (a review may hold 50,000 numbers).
const REVIEWS_KEPT: i64 = 20;

/// Keeps `draft` for its author's review; drops expired reviews, and this
/// user's oldest beyond the last few.
pub async fn save_review(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    draft: &Draft,
) -> Result<i64, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "DELETE FROM campaign_reviews \
         WHERE created_at < $1",
    )
    .bind(db::before_now(REVIEW_LIFETIME))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM campaign_reviews WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM campaign_reviews WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(REVIEWS_KEPT - 1)
    .execute(&mut *tx)
    .await?;
    let id = sqlx::query_scalar(
        "INSERT INTO campaign_reviews (account_id, user_id, sender, list_id, numbers, text) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(&draft.sender)
    .bind(&draft.list_id)
    .bind(&draft.numbers)
    .bind(&draft.text)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The user's own review `id`, while it can still be sent.
pub async fn review(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    id: i64,
) -> Result<Option<Draft>, sqlx::Error> {
    sqlx::query_as(
        "SELECT sender, list_id, numbers, text FROM campaign_reviews \
         WHERE id = $1 AND account_id = $2 AND user_id = $3 \
         AND created_at >= $4",
    )
    .bind(id)
    .bind(account_id)
    .bind(user_id)
    .bind(db::before_now(REVIEW_LIFETIME))
    .fetch_optional(pool)
    .await
}

/// Who sends: a user of the portal, or the account's HTTP API.
pub enum By {
    User(i64),
    Api { client_ref: Option<String> },
}

impl By {
    fn user_id(&self) -> Option<i64> {
        match self {
            By::User(id) => Some(*id),
            By::Api { .. } => None,
        }
    }

    fn source(&self) -> &'static str {
        match self {
            By::User(_) => "portal",
            By::Api { .. } => "api",
        }
    }

    fn client_ref(&self) -> Option<&str> {
        match self {
            By::User(_) => None,
            By::Api { client_ref } => client_ref.as_deref(),
        }
    }
}

/// Why a send was refused whole; nothing was written.
#[derive(Debug)]
pub enum SendRefusal {
    NothingToSend,
    AlreadySent,
    InsufficientFunds {
        cost: Money,
        balance: Money,
    },
    /// The sender's monthly spending cap would be passed.
    OverCap {
        cost: Money,
        cap: super::spending::CapUse,
    },
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SendRefusal {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl From<SendRefusal> for AppError {
    fn from(refusal: SendRefusal) -> Self {
        match refusal {
            SendRefusal::NothingToSend => AppError::Rejected(
                "None of the recipients can be sent to (stop-list or no route).".into(),
            ),
            SendRefusal::AlreadySent => AppError::Rejected(
                "This campaign was already sent. Follow it in the list below.".into(),
            ),
            // No balance in the message: the sender may lack "Can See Finance".
            SendRefusal::InsufficientFunds { cost, .. } => AppError::Rejected(format!(
                "The account's balance does not cover this campaign ({cost}). Nothing was sent: top up first, or ask the account owner to."
            )),
            SendRefusal::OverCap { cost, cap } => AppError::Rejected(format!(
                "This campaign ({cost}) would pass your monthly spending cap: {} of {} spent this month. Nothing was sent: send to fewer recipients, or ask the account owner to raise the cap.",
                cap.spent, cap.cap
            )),
            SendRefusal::Database(error) => error.into(),
        }
    }
}

/// Writes the campaign, its queued messages and blocked recipients, and
/// charges the account, all in one transaction: the balance check and the
/// charge cannot be separated by another campaign.
pub async fn send(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    plan: &Plan,
) -> Result<i64, AppError> {
    Ok(
        send_with(pool, account_id, By::User(user_id), None, plan, false)
            .await?
            .0,
    )
}

/// A batch sent through the API: its id, and its messages (id, number,
/// price), read in the sending transaction, so an answer can always be made
/// once the charge is committed.
pub struct Sent {
    pub batch: i64,
    pub messages: Vec<(i64, String, i64)>,
}

/// Sends `plan` as `by`.
pub async fn send_as(
    pool: &Pool,
    account_id: i64,
    by: By,
    plan: &Plan,
) -> Result<Sent, SendRefusal> {
    let listed = matches!(by, By::Api { .. });
    let (batch, messages) = send_with(pool, account_id, by, None, plan, listed).await?;
    Ok(Sent { batch, messages })
}

/// Sends `plan`, made from the review `review`, which it uses up in the
/// same transaction: two clicks on Send make one campaign.
pub async fn send_reviewed(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    review: i64,
    plan: &Plan,
) -> Result<i64, AppError> {
    Ok(send_with(
        pool,
        account_id,
        By::User(user_id),
        Some(review),
        plan,
        false,
    )
    .await?
    .0)
}

async fn send_with(
    pool: &Pool,
    account_id: i64,
    by: By,
    review: Option<i64>,
    plan: &Plan,
    list_messages: bool,
) -> Result<(i64, Vec<(i64, String, i64)>), SendRefusal> {
    if plan.recipients.is_empty() {
        return Err(SendRefusal::NothingToSend);
    }
    let user_id = by.user_id();
    let blocked = (plan.stop_listed.len() + plan.no_route.len()) as i64;
    let one_statement = matches!(db::Backend::of(pool), db::Backend::Postgres)
        && matches!(by, By::Api { .. })
        && blocked == 0
        && plan.recipients.len() <= MESSAGES_PER_INSERT;
    if one_statement {
        return match api_batch_in_one_statement(pool, account_id, by.client_ref(), plan).await? {
            Some(sent) => Ok(sent),
            None => Err(SendRefusal::InsufficientFunds {
                cost: plan.cost,
                balance: balance(pool, account_id).await?,
            }),
        };
    }
    let mut tx = begin_write(pool).await?;
    if let Some(review) = review {
        let used = sqlx::query("DELETE FROM campaign_reviews WHERE id = $1 AND user_id = $2")
            .bind(review)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() == 0 {
            return Err(SendRefusal::AlreadySent);
        }
    }
    let now = db::now();
    let campaign: i64 = sqlx::query_scalar(
        "INSERT INTO campaigns (account_id, user_id, sender, text, parts, recipients, blocked, cost, status, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sending', $9) RETURNING id",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(&plan.sender)
    .bind(&plan.text)
    .bind(plan.segments.parts as i64)
    .bind(plan.recipients.len() as i64)
    .bind(blocked)
    .bind(plan.cost.0)
    .bind(by.source())
    .fetch_one(&mut *tx)
    .await?;
    let blocked_rows = plan
        .stop_listed
        .iter()
        .map(|p| (p, "stop_list"))
        .chain(plan.no_route.iter().map(|p| (p, "no_route")));
    for (phone, reason) in blocked_rows {
        sqlx::query(
            "INSERT INTO blocked_messages (account_id, campaign_id, sender, recipient, text, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(account_id)
        .bind(campaign)
        .bind(&plan.sender)
        .bind(phone)
        .bind(&plan.text)
        .bind(reason)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    // Many rows per statement: the per-day totals are kept per statement.
    let mut messages: Vec<(i64, String, i64)> = Vec::new();
    for chunk in plan.recipients.chunks(MESSAGES_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = 10 + 3 * i;
                format!(
                    "($1, $2, $3, $4, ${}, ${}, $5, $6, ${}, 'queued', $7, $8, $9)",
                    n,
                    n + 1,
                    n + 2
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO messages (account_id, campaign_id, user_id, sender, recipient, country_code, text, parts, price, status, created_at, source, client_ref) \
             VALUES {}{}",
            rows.join(", "),
            if list_messages { " RETURNING id, recipient, price" } else { "" }
        );
        let mut insert = sqlx::query(&sql)
            .bind(account_id)
            .bind(campaign)
            .bind(user_id)
            .bind(&plan.sender)
            .bind(&plan.text)
            .bind(plan.segments.parts as i64)
            .bind(&now)
            .bind(by.source())
            .bind(by.client_ref());
        for recipient in chunk {
            insert = insert
                .bind(&recipient.phone)
                .bind(&recipient.country_code)
                .bind(recipient.price);
        }
        if list_messages {
            for row in insert.fetch_all(&mut *tx).await? {
                messages.push(sqlx::FromRow::from_row(&row)?);
            }
        } else {
            insert.execute(&mut *tx).await?;
        }
    }
    messages.sort_unstable_by_key(|(id, ..)| *id);
    // Charged once the campaign's own rows are written, messages included:
    // the row lock makes the account's other sends wait from here to the
    // commit, so as little as possible comes after it. The condition
    // refuses a send the balance cannot cover (and the rollback takes the
    // campaign with it).
    let after: Option<i64> = sqlx::query_scalar(
        "UPDATE account_balances SET balance = balance - $2 WHERE account_id = $1 AND balance >= $2 RETURNING balance",
    )
    .bind(account_id)
    .bind(plan.cost.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(after) = after else {
        drop(tx);
        return Err(SendRefusal::InsufficientFunds {
            cost: plan.cost,
            balance: balance(pool, account_id).await?,
        });
    };
    // Checked under the lock on the balance, taken by the charge above: the
    // account's other sends wait, so together they cannot pass the cap.
    if let Some(user_id) = user_id {
        if let Some(mut cap) = super::spending::cap_use(&mut tx, user_id).await? {
            // The month's campaigns include this one, written above.
            cap.spent.0 -= plan.cost.0;
            if cap.spent.0 + plan.cost.0 > cap.cap.0 {
                return Err(SendRefusal::OverCap {
                    cost: plan.cost,
                    cap,
                });
            }
        }
    }
    sqlx::query(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id, user_id) \
         VALUES ($1, 'charge', $2, $3, $4, $5, $6)",
    )
    .bind(account_id)
    .bind(-plan.cost.0)
    .bind(after)
    .bind(match by {
        By::User(_) => format!("Campaign #{campaign}: {} recipients", plan.recipients.len()),
        By::Api { .. } => format!("API batch #{campaign}: {} recipients", plan.recipients.len()),
    })
    .bind(campaign)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((campaign, messages))
}

/// An API batch on PostgreSQL, nothing blocked, its messages within one
/// insert: charged, written and put in the ledger by one statement that
/// commits on its own. One round trip where [`send_with`]'s transaction
/// takes six; the balance row stays locked only while the statement runs.
/// `None`, and nothing written, when the balance does not cover the cost.
async fn api_batch_in_one_statement(
    pool: &Pool,
    account_id: i64,
    client_ref: Option<&str>,
    plan: &Plan,
) -> Result<Option<(i64, Vec<(i64, String, i64)>)>, sqlx::Error> {
    let rows: Vec<String> = (0..plan.recipients.len())
        .map(|i| {
            let n = 10 + 3 * i;
            format!("(${}, ${}, ${}::bigint)", n, n + 1, n + 2)
        })
        .collect();
    let sql = format!(
        "WITH charged AS ( \
             UPDATE account_balances SET balance = balance - $2 \
             WHERE account_id = $1 AND balance >= $2 RETURNING balance \
         ), campaign AS ( \
             INSERT INTO campaigns (account_id, sender, text, parts, recipients, blocked, cost, status, source) \
             SELECT $1, $3, $4, $5, $6, 0, $2, 'sending', 'api' FROM charged RETURNING id \
         ), ledger AS ( \
             INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id) \
             SELECT $1, 'charge', -$2, charged.balance, 'API batch #' || campaign.id::text || $7, campaign.id \
             FROM charged, campaign \
         ) \
         INSERT INTO messages (account_id, campaign_id, sender, recipient, country_code, text, parts, price, status, created_at, source, client_ref) \
         SELECT $1, campaign.id, $3, r.recipient, r.country_code, $4, $5, r.price, 'queued', $8, 'api', $9 \
         FROM campaign, (VALUES {}) AS r (recipient, country_code, price) \
         RETURNING campaign_id, id, recipient, price",
        rows.join(", ")
    );
    let mut insert = sqlx::query(&sql)
        .bind(account_id)
        .bind(plan.cost.0)
        .bind(&plan.sender)
        .bind(&plan.text)
        .bind(plan.segments.parts as i64)
        .bind(plan.recipients.len() as i64)
        .bind(format!(": {} recipients", plan.recipients.len()))
        .bind(db::now())
        .bind(client_ref);
    for recipient in &plan.recipients {
        insert = insert
            .bind(&recipient.phone)
            .bind(&recipient.country_code)
            .bind(recipient.price);
    }
    let mut campaign = None;
    let mut messages = Vec::with_capacity(plan.recipients.len());
    for row in insert.fetch_all(pool).await? {
        let (batch, id, recipient, price): (i64, i64, String, i64) = sqlx::FromRow::from_row(&row)?;
        campaign = Some(batch);
        messages.push((id, recipient, price));
    }
    messages.sort_unstable_by_key(|(id, ..)| *id);
    Ok(campaign.map(|campaign| (campaign, messages)))
}

/// A page of the account's campaigns. With `texts_of`, only that user's
/// campaigns show their text: others' texts need "Can See Analytics Details".
pub async fn campaigns(
    pool: &Pool,
    account_id: i64,
    page: i64,
    texts_of: Option<i64>,
) -> Result<Page<CampaignRow>, sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as(
        "SELECT c.id, c.created_at, c.sender, CASE WHEN $4 IS NULL OR c.user_id = $4 THEN c.text END AS text, c.recipients, c.blocked, c.cost, c.status, CASE WHEN c.source = 'api' THEN 'API' ELSE u.login END AS sent_by, \
         COUNT(m.id) FILTER (WHERE m.status = 'queued') AS queued, \
         COUNT(m.id) FILTER (WHERE m.status = 'sent') AS sent, \
         COUNT(m.id) FILTER (WHERE m.status = 'delivered') AS delivered, \
         COUNT(m.id) FILTER (WHERE m.status = 'failed') AS failed \
         FROM (SELECT * FROM campaigns WHERE account_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3) c \
         LEFT JOIN users u ON u.id = c.user_id \
         LEFT JOIN messages m ON m.campaign_id = c.id \
         GROUP BY c.id, c.created_at, c.sender, c.text, c.user_id, c.recipients, c.blocked, c.cost, c.status, c.source, u.login \
         ORDER BY c.id DESC",
    )
    .bind(account_id)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .bind(texts_of)
    .fetch_all(pool)
    .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}
