//! `sms-portal demo`: a believable account to look around in.

use crate::server::db::Pool;

use super::{demo_volume, password::Passwords, sub_accounts, users};

/// Messages of the demo account's 90-day history.
pub const DEMO_MESSAGES: i64 = 200_000;
use crate::domain::{ContactForm, Login, NewUser, Password, Permission, PermissionSet};

/// A fresh random password; no fixed password exists anywhere.
fn generate_password() -> String {
    super::password::generate().expose().to_owned()
}

fn contact(name: &str, phone: &str, email: &str, company: &str) -> ContactForm {
    ContactForm {
        name: name.into(),
        phone: phone.into(),
        email: email.into(),
        company: company.into(),
    }
}

pub async fn seed(pool: &Pool, passwords: &Passwords) -> Result<(), String> {
    if !users::is_empty(pool).await.map_err(|e| e.to_string())? {
        println!(
            "The database already holds logins; demo data is only seeded into an empty database."
        );
        return Ok(());
    }
    let fail = |e: users::CreateError| e.to_string();
    let mut printed = Vec::new();

    let manager_password = generate_password();
    let manager = Login::parse("manager").expect("valid login");
    let password = Password::parse(&manager_password).expect("valid password");
    users::create_manager(pool, passwords, &manager, "Morgan Hale", &password)
        .await
        .map_err(fail)?;
    printed.push(("manager", "manager", manager_password));

    let owner_password = generate_password();
    let owner = NewUser::parse(
        "demo",
        &owner_password,
        &contact(
            "Dana Whitfield",
            "+44 20 7946 0958",
            "dana@northwind.example",
            "Northwind Retail",
        ),
    )
    .map_err(|e| format!("{e:?}"))?;
    let account_id = users::create_account(pool, passwords, &owner, true)
        .await
        .map_err(fail)?;
    printed.push(("owner", "demo", owner_password));
    let owner_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE account_id = $1 AND role = 'owner'")
            .bind(account_id)
            .fetch_one(pool)
            .await
            .map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    demo_volume::seed_history(pool, account_id, owner_id, DEMO_MESSAGES)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Seeded {DEMO_MESSAGES} messages of 90 days' history in {:.1?}.",
        started.elapsed()
    );

    let team = [
        (
            "demo.marketing",
            "Priya Raman",
            "+44 7430 900123",
            "priya@northwind.example",
            &[
                Permission::SendBulk,
                Permission::UseDatabase,
                Permission::SenderView,
            ][..],
        ),
        (
            "demo.analyst",
            "Tomás Ortega",
            "+34 612 345 678",
            "tomas@northwind.example",
            &[
                Permission::UseAnalytics,
                Permission::UseAnalyticsDetails,
                Permission::AnalyticsDetailsExport,
            ][..],
        ),
        (
            "demo.finance",
            "Grace Okafor",
            "+234 803 123 4567",
            "grace@northwind.example",
            &[
                Permission::SeeFinance,
                Permission::TopUp,
                Permission::SeePrices,
            ][..],
        ),
    ];
    for (login, name, phone, email, grants) in team {
        let password = generate_password();
        let user = NewUser::parse(
            login,
            &password,
            &contact(name, phone, email, "Northwind Retail"),
        )
        .map_err(|e| format!("{e:?}"))?;
        let id = sub_accounts::create(pool, passwords, account_id, &user, None)
            .await
            .map_err(fail)?;
        // The demo's team chose their own passwords long ago.
        users::mark_password_own(pool, id)
            .await
            .map_err(|e| e.to_string())?;
        let grants: PermissionSet = grants.iter().copied().collect();
        sub_accounts::save_permissions(pool, account_id, id, grants)
            .await
            .map_err(|e| e.to_string())?;
        printed.push(("sub-account", login, password));
    }

    let networks = super::smpp::credentials::AllowedNetworks::parse("127.0.0.0/8")?;
    let Ok(smpp) =
        super::smpp::credentials::create(pool, passwords, account_id, Some(owner_id), &networks)
            .await
    else {
        return Err("the demo's SMPP credentials were not made".into());
    };

    println!("Demo data created. These passwords are shown only now:");
    for (role, login, password) in printed {
        println!("  {role:<12} login: {login:<16} password: {password}");
    }
    println!(
        "  {:<12} system_id: {:<12} password: {} (binds from this machine)",
        "SMPP", smpp.system_id, smpp.password
    );
    Ok(())
}
