//! The demo account's history: 90 days of realistic traffic, generated in
//! SQL (recursive CTEs) so that 200,000 messages take seconds to seed, on
//! either backend.

use super::db::{Backend, Pool, Tx};

/// Countries of the price list: code, name, dial prefix, networks and their price per part.
/// Networks of a country and their price per part.
type Networks = &'static [(&'static str, i64)];

pub const PRICE_LIST: &[(&str, &str, &str, Networks)] = &[
    (
        "GB",
        "United Kingdom",
        "44",
        &[
            ("EE", 355),
            ("Vodafone UK", 360),
            ("O2 UK", 350),
            ("Three UK", 345),
        ],
    ),
    (
        "IE",
        "Ireland",
        "353",
        &[("Vodafone IE", 640), ("Three IE", 620)],
    ),
    (
        "FR",
        "France",
        "33",
        &[("Orange FR", 690), ("SFR", 700), ("Bouygues", 680)],
    ),
    (
        "DE",
        "Germany",
        "49",
        &[("Telekom DE", 790), ("Vodafone DE", 800), ("O2 DE", 770)],
    ),
    (
        "ES",
        "Spain",
        "34",
        &[("Movistar", 610), ("Orange ES", 600)],
    ),
    ("PT", "Portugal", "351", &[("MEO", 390), ("NOS", 385)]),
    (
        "IT",
        "Italy",
        "39",
        &[("TIM", 720), ("Vodafone IT", 730), ("WindTre", 700)],
    ),
    ("NL", "Netherlands", "31", &[("KPN", 830), ("Odido", 810)]),
    (
        "BE",
        "Belgium",
        "32",
        &[("Proximus", 760), ("Orange BE", 750)],
    ),
    (
        "PL",
        "Poland",
        "48",
        &[("Plus", 240), ("Play", 230), ("Orange PL", 235)],
    ),
    (
        "CZ",
        "Czechia",
        "420",
        &[("O2 CZ", 410), ("T-Mobile CZ", 420)],
    ),
    ("AT", "Austria", "43", &[("A1", 690), ("Magenta AT", 680)]),
    (
        "CH",
        "Switzerland",
        "41",
        &[("Swisscom", 560), ("Sunrise", 550)],
    ),
    (
        "SE",
        "Sweden",
        "46",
        &[("Telia SE", 520), ("Tele2 SE", 510)],
    ),
    (
        "NO",
        "Norway",
        "47",
        &[("Telenor NO", 480), ("Telia NO", 470)],
    ),
    ("DK", "Denmark", "45", &[("TDC", 450)]),
    ("FI", "Finland", "358", &[("Elisa", 620), ("DNA", 610)]),
    (
        "GR",
        "Greece",
        "30",
        &[("Cosmote", 540), ("Vodafone GR", 530)],
    ),
    (
        "RO",
        "Romania",
        "40",
        &[("Orange RO", 420), ("Vodafone RO", 410)],
    ),
    (
        "UA",
        "Ukraine",
        "380",
        &[("Kyivstar", 390), ("Vodafone UA", 380)],
    ),
    (
        "TR",
        "Türkiye",
        "90",
        &[("Turkcell", 210), ("Vodafone TR", 205)],
    ),
    ("US", "United States", "1", &[("All networks", 95)]),
    ("MX", "Mexico", "52", &[("Telcel", 310), ("AT&T MX", 300)]),
    (
        "BR",
        "Brazil",
        "55",
        &[("Vivo", 280), ("Claro BR", 275), ("TIM BR", 270)],
    ),
    (
        "AR",
        "Argentina",
        "54",
        &[("Personal", 520), ("Claro AR", 510)],
    ),
    (
        "ZA",
        "South Africa",
        "27",
        &[("Vodacom", 190), ("MTN ZA", 185)],
    ),
    (
        "NG",
        "Nigeria",
        "234",
        &[("MTN NG", 260), ("Airtel NG", 250)],
    ),
    ("KE", "Kenya", "254", &[("Safaricom", 230)]),
    (
        "AE",
        "United Arab Emirates",
        "971",
        &[("Etisalat", 330), ("du", 320)],
    ),
    (
        "IN",
        "India",
        "91",
        &[("Jio", 45), ("Airtel IN", 48), ("Vi", 47)],
    ),
    (
        "SG",
        "Singapore",
        "65",
        &[("Singtel", 420), ("StarHub", 410)],
    ),
    ("AU", "Australia", "61", &[("Telstra", 390), ("Optus", 380)]),
    (
        "JP",
        "Japan",
        "81",
        &[("NTT Docomo", 690), ("SoftBank", 680)],
    ),
    ("CA", "Canada", "1", &[("Rogers", 110), ("Bell", 105)]),
];

/// Inserts the provider's price list (once per database).
pub async fn seed_prices(pool: &Pool) -> Result<(), sqlx::Error> {
    let mut tx = super::db::begin_write(pool).await?;
    for (code, country, prefix, networks) in PRICE_LIST {
        for (network, price) in *networks {
            sqlx::query(
                "INSERT INTO prices (country_code, country, dial_prefix, network, price) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(code)
            .bind(country)
            .bind(prefix)
            .bind(network)
            .bind(price)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}

const TEXTS: &[(&str, i64)] = &[
    ("Northwind: your order has shipped and arrives tomorrow. Track it at nw.example/t", 1),
    ("Weekend sale! 20% off everything in store and online until Sunday. Reply STOP to opt out", 1),
    ("Your Northwind verification code is 482913. It expires in 10 minutes.", 1),
    ("Reminder: your delivery slot is tomorrow between 10:00 and 12:00. Reply 1 to confirm or 2 to rebook. Our driver will call you 15 minutes before arrival; please make sure someone can receive the parcel.", 2),
    ("Zapraszamy na wyprzedaż w sklepie Northwind – rabaty do 50%!", 1),
    ("Thank you for shopping with Northwind. Rate your visit: nw.example/r", 1),
];

const FIRST_NAMES: &[&str] = &[
    "Olivia", "Noah", "Amelia", "Jack", "Isla", "Leo", "Ava", "Oscar", "Mia", "Harry",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Khan", "Patel", "Murphy",
    "Nowak",
];
const INBOUND_TEXTS: &[&str] = &[
    "STOP",
    "Yes please, book me in",
    "What time do you open on Sunday?",
    "1",
    "2",
    "Thanks!",
    "Is the sale online too?",
    "Wrong number, sorry",
];

/// Word lists the generating queries pick from by number.
async fn temp_tables(tx: &mut Tx) -> Result<(), sqlx::Error> {
    for table in [
        "CREATE TEMP TABLE demo_routes (i BIGINT PRIMARY KEY, code TEXT, prefix TEXT, price BIGINT)",
        "CREATE TEMP TABLE demo_texts (i BIGINT PRIMARY KEY, body TEXT, parts BIGINT)",
        "CREATE TEMP TABLE demo_words (list TEXT, i BIGINT, word TEXT, PRIMARY KEY (list, i))",
    ] {
        sqlx::query(table).execute(&mut **tx).await?;
    }
    // Traffic is weighted towards the account's home market.
    let weighted = PRICE_LIST
        .iter()
        .enumerate()
        .flat_map(|(i, route)| std::iter::repeat_n(route, if i < 4 { 6 } else { 1 }));
    for (i, (code, _, prefix, networks)) in weighted.enumerate() {
        let price = networks.iter().map(|(_, p)| *p).max().unwrap_or(0);
        sqlx::query("INSERT INTO demo_routes VALUES ($1, $2, $3, $4)")
            .bind(i as i64)
            .bind(code)
            .bind(prefix)
            .bind(price)
            .execute(&mut **tx)
            .await?;
    }
    for (i, (body, parts)) in TEXTS.iter().enumerate() {
        sqlx::query("INSERT INTO demo_texts VALUES ($1, $2, $3)")
            .bind(i as i64)
            .bind(body)
            .bind(parts)
            .execute(&mut **tx)
            .await?;
    }
    let lists = [
        ("first", FIRST_NAMES),
        ("last", LAST_NAMES),
        ("inbound", INBOUND_TEXTS),
    ];
    for (list, words) in lists {
        for (i, word) in words.iter().enumerate() {
            sqlx::query("INSERT INTO demo_words VALUES ($1, $2, $3)")
                .bind(list)
                .bind(i as i64)
                .bind(word)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Fills the account with sender names, lists, 90 days of messages, incoming
/// and blocked messages, a stop-list, transactions and invoices. Times are
/// integer arithmetic on Unix seconds ($3 now, $4 today's midnight UTC),
/// written as text by the backend's own function.
pub async fn seed_history(
    pool: &Pool,
    account_id: i64,
    owner_id: i64,
    messages: i64,
) -> Result<(), sqlx::Error> {
    let backend = Backend::of(pool);
    let now = time::OffsetDateTime::now_utc();
    let seconds = now.unix_timestamp();
    let midnight = seconds - seconds.rem_euclid(86_400);
    let at = |expr: &str| backend.time_text(expr);
    let pad = |expr: &str, width| backend.zero_padded(expr, width);
    let random = backend.random_integer();
    let mut tx = super::db::begin_write(pool).await?;
    temp_tables(&mut tx).await?;
    let routes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM demo_routes")
        .fetch_one(&mut *tx)
        .await?;
    let statements = [
        "INSERT INTO sender_names (account_id, name, status, note) VALUES \
         ($1, 'NORTHWIND', 'approved', 'Registered brand name'), ($1, 'NWSHOP', 'approved', 'Shop notifications'), \
         ($1, 'NW-ALERTS', 'pending', 'Awaiting operator approval'), ($1, 'FREEPRIZE', 'rejected', 'Refused: misleading sender name')"
            .to_owned(),
        format!(
            "INSERT INTO stop_list (account_id, phone) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 150) \
             SELECT $1, '+4474309' || {} FROM seq",
            pad("n * 37", 5)
        ),
        format!(
            "INSERT INTO contact_lists (account_id, name, created_by, created_at) VALUES \
             ($1, 'Newsletter', $2, {}), ($1, 'VIP customers', $2, {}), ($1, 'Staff', $2, {})",
            at("$3 - 80 * 86400"),
            at("$3 - 60 * 86400"),
            at("$3 - 30 * 86400")
        ),
        format!(
            "INSERT INTO contacts (account_id, list_id, phone, name) \
             WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2000) \
             SELECT $1, l.id, '+4477' || {}, f.word || ' ' || s.word \
             FROM seq JOIN contact_lists l ON l.account_id = $1 \
                  AND (l.name = 'Newsletter' OR (l.name = 'VIP customers' AND n <= 200) OR (l.name = 'Staff' AND n <= 25)) \
             JOIN demo_words f ON f.list = 'first' AND f.i = n % 10 \
             JOIN demo_words s ON s.list = 'last' AND s.i = n % 11",
            pad("10000000 + n * 4099 % 89999999", 8)
        ),
        // A campaign a day at 09:00; today's just after midnight if it is not 09:00 yet.
        format!(
            "INSERT INTO campaigns (account_id, user_id, sender, text, parts, recipients, blocked, cost, status, created_at) \
             WITH RECURSIVE day(d) AS (SELECT 89 UNION ALL SELECT d - 1 FROM day WHERE d > 0) \
             SELECT $1, $2, CASE WHEN d % 3 = 0 THEN 'NWSHOP' ELSE 'NORTHWIND' END, t.body, t.parts, 0, 0, 0, 'completed', \
                    {} \
             FROM day JOIN demo_texts t ON t.i = d % 6",
            at("CASE WHEN d = 0 AND $3 < $4 + 32400 THEN $4 + 60 ELSE $4 - d * 86400 + 32400 END")
        ),
    ];
    for sql in &statements {
        sqlx::query(sql)
            .bind(account_id)
            .bind(owner_id)
            .bind(seconds)
            .bind(midnight)
            .execute(&mut *tx)
            .await?;
    }
    // Messages: each belongs to the campaign of its day and shares its text;
    // earlier days between 09:00 and 17:00, today's between midnight and now.
    // MATERIALIZED: each random pick is drawn once, not once per reference.
    let first_campaign: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM campaigns WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(&format!(
        "INSERT INTO messages (account_id, campaign_id, user_id, sender, recipient, country_code, text, parts, price, status, created_at, sent_at, done_at) \
         WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $3), \
         picks AS MATERIALIZED (SELECT n, {random} % 90 AS d, {random} % $4 AS r, {random} % 100 AS fate, \
                                {random} % 28800 AS s, {random} % 1000000000 AS number FROM seq), \
         stamped AS MATERIALIZED (SELECT p.*, {} AS at FROM picks p) \
         SELECT $1, c.id, $2, c.sender, '+' || r.prefix || {}, r.code, c.text, c.parts, r.price * c.parts, \
                CASE WHEN x.fate < 96 THEN 'delivered' ELSE 'failed' END, x.at, x.at, x.at \
         FROM stamped x JOIN demo_routes r ON r.i = x.r JOIN campaigns c ON c.id = $5 + 89 - x.d",
        at("CASE WHEN p.d > 0 THEN $7 - p.d * 86400 + 32400 + p.s ELSE $7 + p.s * ($6 - $7) / 28800 END"),
        pad("x.number", 9)
    ))
    .bind(account_id)
    .bind(owner_id)
    .bind(messages)
    .bind(routes)
    .bind(first_campaign)
    .bind(seconds)
    .bind(midnight)
    .execute(&mut *tx)
    .await?;
    let follow_ups = [
        "UPDATE campaigns SET recipients = (SELECT COUNT(*) FROM messages m WHERE m.campaign_id = campaigns.id), \
         cost = (SELECT COALESCE(SUM(price), 0) FROM messages m WHERE m.campaign_id = campaigns.id) WHERE account_id = $1"
            .to_owned(),
        format!(
            "INSERT INTO incoming_messages (account_id, sender, recipient, text, received_at) \
             WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000) \
             SELECT $1, '+447' || {}, CASE WHEN n % 4 = 0 THEN '+447860012345' ELSE 'NORTHWIND' END, w.word, {} \
             FROM seq JOIN demo_words w ON w.list = 'inbound' AND w.i = n % 8",
            pad(&format!("{random} % 1000000000"), 9),
            at(&format!("$3 - {random} % 7776000"))
        ),
        format!(
            "INSERT INTO blocked_messages (account_id, campaign_id, sender, recipient, text, reason, created_at) \
             WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 3000) \
             SELECT $1, NULL, 'NORTHWIND', CASE WHEN n % 3 = 1 THEN '+44700' ELSE '+4474309' || {} END, \
                    'Weekend sale! 20% off everything in store and online until Sunday. Reply STOP to opt out', \
                    CASE n % 10 WHEN 0 THEN 'spam_filter' WHEN 1 THEN 'invalid_number' WHEN 4 THEN 'invalid_number' WHEN 7 THEN 'no_route' ELSE 'stop_list' END, \
                    {} FROM seq",
            pad("(n % 150 + 1) * 37", 5),
            at(&format!("$3 - {random} % 7776000"))
        ),
        // Money: a top-up at the start of each month (at least €6,000, and two
        // fifths of all charges, rounded up to €100, so the balance never dips
        // below zero at any volume), a charge per campaign, refunds of failed parts.
        format!(
            "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id, user_id, created_at) \
             WITH RECURSIVE month(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM month WHERE m < 3), \
             total(spent) AS (SELECT CAST(COALESCE(SUM(cost), 0) AS BIGINT) FROM campaigns WHERE account_id = $1) \
             SELECT $1, 'top_up', CASE WHEN (spent * 2 / 5 / 1000000 + 1) * 1000000 > 60000000 \
                                       THEN (spent * 2 / 5 / 1000000 + 1) * 1000000 ELSE 60000000 END, \
                    0, 'Bank transfer', NULL, $2, {} FROM month, total",
            at("$4 - (92 - m * 30) * 86400 + 28800")
        ),
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id, user_id, created_at) \
         SELECT $1, 'charge', -cost, 0, 'Campaign #' || id || ': ' || recipients || ' recipients', id, user_id, created_at FROM campaigns WHERE account_id = $1"
            .to_owned(),
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id, user_id, created_at) \
         SELECT $1, 'refund', SUM(price), 0, 'Refund of undelivered messages, campaign #' || campaign_id, campaign_id, NULL, MAX(created_at) \
         FROM messages WHERE account_id = $1 AND status = 'failed' GROUP BY campaign_id"
            .to_owned(),
        "UPDATE balance_transactions SET balance_after = running.total FROM \
         (SELECT id, SUM(amount) OVER (ORDER BY created_at, id) AS total FROM balance_transactions WHERE account_id = $1) AS running \
         WHERE balance_transactions.id = running.id"
            .to_owned(),
        "UPDATE account_balances SET balance = (SELECT COALESCE(SUM(amount), 0) FROM balance_transactions WHERE account_id = $1) WHERE account_id = $1"
            .to_owned(),
        "DROP TABLE demo_routes".to_owned(),
        "DROP TABLE demo_texts".to_owned(),
        "DROP TABLE demo_words".to_owned(),
    ];
    for sql in &follow_ups {
        sqlx::query(sql)
            .bind(account_id)
            .bind(owner_id)
            .bind(seconds)
            .bind(midnight)
            .execute(&mut *tx)
            .await?;
    }
    invoices(&mut tx, account_id, now).await?;
    tx.commit().await?;
    // As after any bulk load on PostgreSQL: statistics for the planner, and
    // autovacuum's first pass over the new rows done now, not later beside
    // the first users' requests.
    if backend == Backend::Postgres {
        sqlx::query("VACUUM (ANALYZE)").execute(pool).await?;
    }
    Ok(())
}

/// An invoice per month of charges: paid, but the running month's is open;
/// issued on the first of the next month (or now, for the running one).
async fn invoices(
    tx: &mut Tx,
    account_id: i64,
    now: time::OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let months: Vec<(String, i64)> = sqlx::query_as(
        "SELECT substr(created_at, 1, 7), CAST(-SUM(amount) AS BIGINT) FROM balance_transactions \
         WHERE account_id = $1 AND kind = 'charge' GROUP BY substr(created_at, 1, 7)",
    )
    .bind(account_id)
    .fetch_all(&mut **tx)
    .await?;
    let this_month = format!("{:04}-{:02}", now.year(), u8::from(now.month()));
    for (period, amount) in months {
        let (status, issued_at) = match period == this_month {
            true => ("open", super::db::timestamp(now)),
            false => ("paid", first_of_next_month(&period)),
        };
        sqlx::query(
            "INSERT INTO invoices (account_id, number, period, amount, status, issued_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(account_id)
        .bind(format!("NW-{}-{account_id}", period.replace('-', "")))
        .bind(&period)
        .bind(amount)
        .bind(status)
        .bind(issued_at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// `YYYY-MM` → the stored time of the next month's first midnight.
fn first_of_next_month(period: &str) -> String {
    let (year, month) = period.split_once('-').unwrap_or_default();
    let (year, month): (i32, u32) = (year.parse().unwrap_or(2000), month.parse().unwrap_or(1));
    let (year, month) = if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    format!("{year:04}-{month:02}-01T00:00:00Z")
}
