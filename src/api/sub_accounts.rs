// A server function's arguments are its form's fields, one each: the
// create form has many.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::AppError;

pub use crate::domain::wire::sub_accounts::*;
use crate::domain::PermissionSet;

impl SubAccountSort {
    pub const ALL: [SubAccountSort; 7] = [
        SubAccountSort::Login,
        SubAccountSort::Name,
        SubAccountSort::Phone,
        SubAccountSort::Email,
        SubAccountSort::Company,
        SubAccountSort::Status,
        SubAccountSort::LastLogin,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SubAccountSort::Login => "login",
            SubAccountSort::Name => "name",
            SubAccountSort::Phone => "phone",
            SubAccountSort::Email => "email",
            SubAccountSort::Company => "company",
            SubAccountSort::Status => "status",
            SubAccountSort::LastLogin => "last_login",
        }
    }

    /// The column of `key`; anything unknown sorts by login.
    pub fn from_key(key: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .unwrap_or(SubAccountSort::Login)
    }

    pub fn title(self) -> &'static str {
        match self {
            SubAccountSort::Login => "Login",
            SubAccountSort::Name => "Name",
            SubAccountSort::Phone => "Phone",
            SubAccountSort::Email => "Email",
            SubAccountSort::Company => "Company name",
            SubAccountSort::Status => "Status",
            SubAccountSort::LastLogin => "Last login",
        }
    }

    /// The SQL expression the list is ordered by.
    #[cfg(feature = "ssr")]
    pub fn order_by(self) -> &'static str {
        match self {
            SubAccountSort::Login => "lower(login)",
            SubAccountSort::Name => "lower(name)",
            SubAccountSort::Phone => "phone",
            SubAccountSort::Email => "email",
            SubAccountSort::Company => "lower(COALESCE(company, ''))",
            SubAccountSort::Status => "disabled",
            // Never logged in sorts first on both backends.
            SubAccountSort::LastLogin => "COALESCE(last_login_at, '')",
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    pub use crate::{
        domain::{
            Access, ContactForm, FormErrors, Money, NewUser, Password, PermissionSet, SpendingCap,
            Viewer,
        },
        server::{guard, sub_accounts as repo, users::CreateError, AppState},
    };

    /// The owner's account, after checking the Sub Accounts access.
    pub async fn owner_account() -> Result<(Viewer, i64, AppState), AppError> {
        let caller = guard::caller(Access::SubAccounts).await?;
        Ok((caller.viewer, caller.account_id, caller.state))
    }

    pub fn found(found: bool) -> Result<(), AppError> {
        found.then_some(()).ok_or(AppError::NotFound)
    }

    /// The caller's sub-account `id`, or 404.
    pub async fn sub_account(
        state: &AppState,
        account_id: i64,
        id: i64,
    ) -> Result<super::SubAccount, AppError> {
        repo::find(&state.pool, account_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The ticks a preset (`preset`, a reference) or another sub-account
    /// (`copy_from`, an id) proposes; neither named, none. What the account
    /// does not have is not found.
    pub async fn proposal(
        state: &AppState,
        account_id: i64,
        preset: &str,
        copy_from: &str,
    ) -> Result<Option<super::Proposal>, AppError> {
        use crate::server::presets;
        let (preset, copy_from) = (preset.trim(), copy_from.trim());
        if !preset.is_empty() && !copy_from.is_empty() {
            return Err(AppError::Rejected(
                "Choose a preset or a sub-account to copy from, not both.".into(),
            ));
        }
        let (source, set) = if !preset.is_empty() {
            let reference = crate::domain::PresetRef::parse(preset).ok_or(AppError::NotFound)?;
            let preset = presets::resolve(&state.pool, account_id, reference)
                .await?
                .ok_or(AppError::NotFound)?;
            (format!("Preset “{}”", preset.name), preset.set())
        } else if !copy_from.is_empty() {
            let id: i64 = copy_from.parse().map_err(|_| AppError::NotFound)?;
            let source = sub_account(state, account_id, id).await?;
            let set = repo::permissions_of(&state.pool, id).await?;
            (format!("{}’s access", source.login), set)
        } else {
            return Ok(None);
        };
        // What a permission requires comes with it, as a tick would bring it.
        let permissions = set
            .iter()
            .fold(PermissionSet::empty(), PermissionSet::with_granted);
        Ok(Some(super::Proposal {
            source,
            permissions,
        }))
    }

    /// When this month began in the account's zone.
    pub fn month_start(viewer: &Viewer) -> String {
        crate::server::spending::month_start(&viewer.zone.name, jiff::Timestamp::now())
    }

    /// The monthly cap typed, or the field's error (the typed text kept).
    pub fn parse_cap(typed: &str) -> Result<Option<SpendingCap>, FormErrors> {
        SpendingCap::parse_optional(typed)
            .map_err(|error| FormErrors::one("monthly_cap", typed, error))
    }

    /// "€200.00", or "none": a cap as the audit log says it.
    pub fn cap_words(cap: Option<i64>) -> String {
        cap.map_or_else(|| "none".to_owned(), |cap| Money(cap).to_string())
    }

    /// Records what the owner did to a sub-account.
    pub async fn audit(
        state: &AppState,
        viewer: &Viewer,
        action: &'static str,
        login: &str,
        detail: String,
    ) {
        let entry = crate::server::audit::Entry::by(viewer, action)
            .on(login)
            .detail(detail);
        crate::server::audit::note(&state.pool, entry).await;
    }

    /// Back to the list, saying what happened: to the list as the owner
    /// left it (sort and page kept) when they acted from it.
    pub fn back_to_list(notice: super::ListNotice, login: &str, id: i64) {
        const LIST: &str = "/settings/sub-accounts";
        let referer = leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
            let value = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
            let path = value.split_once("://").map_or(value, |(_, rest)| {
                rest.find('/').map_or("/", |at| &rest[at..])
            });
            Some(crate::api::auth::local_path(Some(path)))
        });
        let kept: Vec<String> = referer
            .as_deref()
            .and_then(|path| path.split_once('?').filter(|(base, _)| *base == LIST))
            .map(|(_, query)| {
                query
                    .split('&')
                    .filter(|pair| {
                        let key = pair.split('=').next().unwrap_or_default();
                        !matches!(key, "done" | "login" | "id") && !key.is_empty()
                    })
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut query = kept;
        query.push(format!("done={}", notice.key()));
        query.push(format!("login={login}"));
        query.push(format!("id={id}"));
        leptos_axum::redirect(&format!("{LIST}?{}", query.join("&")));
    }

    /// Where a generated password waits, in the owner's session, for the
    /// list the form lands back on: never in an address. The list takes it
    /// out at once.
    const GENERATED: &str = "generated_password";

    /// Keeps a generated password in the owner's session for the list,
    /// once it is set.
    pub async fn remember_generated(login: &str, password: &Password) -> Result<(), AppError> {
        let generated = super::GeneratedPassword {
            login: login.to_owned(),
            password: password.expose().to_owned(),
        };
        crate::server::guard::auth_session()
            .await?
            .session
            .insert(GENERATED, generated)
            .await
            .map_err(|_| AppError::Internal)
    }

    /// The generated password waiting for the list, taken out of the session.
    pub async fn take_generated() -> Result<Option<super::GeneratedPassword>, AppError> {
        let session = crate::server::guard::auth_session().await?.session;
        Ok(crate::server::sessions::take_once(&session, GENERATED).await)
    }

    impl From<CreateError> for AppError {
        fn from(error: CreateError) -> Self {
            match error {
                CreateError::Invalid(errors) => AppError::Invalid(errors),
                CreateError::Database(error) => error.into(),
            }
        }
    }
}

/// One page of the caller's sub-accounts, sorted by `sort` (a column key)
/// ascending, or descending when `dir` is `desc`.
#[server(endpoint = "sub-accounts/list")]
pub async fn list_sub_accounts(
    #[server(default)] sort: String,
    #[server(default)] dir: String,
    #[server(default)] page: Option<i64>,
    #[server(default)] q: String,
    #[server(default)] status: String,
    #[server(default)] permission: String,
) -> Result<super::Page<SubAccount>, AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let sort = SubAccountSort::from_key(&sort);
    let page = super::page_number(page);
    let filter = SubAccountFilter::parse(&q, &status, &permission);
    let month_start = month_start(&viewer);
    Ok(repo::page(
        &state.pool,
        account_id,
        &filter,
        (sort, dir == "desc"),
        page,
        &month_start,
    )
    .await?)
}

/// The sub-accounts a bulk action names: the ticked ones, or, with
/// "Select all on this page" ticked, every one the page listed.
#[cfg(feature = "ssr")]
fn selected(ids: Vec<i64>, page_ids: Vec<i64>, all_on_page: bool) -> Result<Vec<i64>, AppError> {
    let chosen = if all_on_page { page_ids } else { ids };
    if chosen.is_empty() {
        return Err(AppError::Rejected(
            "Select at least one sub-account first.".into(),
        ));
    }
    // A deletion's confirmation carries the ids in its address: 1,000
    // stay within what proxies accept (about 7 KB).
    if chosen.len() > 1_000 {
        return Err(AppError::Rejected(
            "Select at most 1,000 sub-accounts at once.".into(),
        ));
    }
    Ok(chosen)
}

/// Disables, enables, deletes or sets the permissions of (from `preset`)
/// the selected sub-accounts, all or none. A deletion asks first: without
/// `confirmed`, it leads to the page that names how many.
#[server(endpoint = "sub-accounts/bulk")]
pub async fn bulk_sub_accounts(
    action: String,
    #[server(default)] ids: Vec<i64>,
    #[server(default)] page_ids: Vec<i64>,
    #[server(default)] all_on_page: Option<String>,
    #[server(default)] preset: String,
    #[server(default)] confirmed: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{audit::Origin, sub_accounts::BulkChange};
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let action = BulkAction::parse(&action).ok_or_else(|| {
        AppError::Rejected("Choose what to do with the selected sub-accounts.".into())
    })?;
    let ids = selected(ids, page_ids, all_on_page.is_some())?;
    if action == BulkAction::Delete && confirmed.is_none() {
        let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
        leptos_axum::redirect(&format!(
            "/settings/sub-accounts/delete-selected?ids={}",
            listed.join(",")
        ));
        return Ok(());
    }
    let proposal = match action {
        BulkAction::Preset => Some(
            proposal(&state, account_id, &preset, "")
                .await?
                .ok_or_else(|| AppError::Rejected("Choose the preset to apply.".into()))?,
        ),
        _ => None,
    };
    let change = match (&action, &proposal) {
        (BulkAction::Disable, _) => BulkChange::Disable,
        (BulkAction::Enable, _) => BulkChange::Enable,
        (BulkAction::Delete, _) => BulkChange::Delete,
        (BulkAction::Preset, Some(proposal)) => {
            BulkChange::Permissions(proposal.permissions, &proposal.source)
        }
        (BulkAction::Preset, None) => return Err(AppError::Internal),
    };
    let changed = repo::bulk(
        &state.pool,
        account_id,
        &ids,
        change,
        (&viewer, &Origin::current()),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let done = match action {
        BulkAction::Disable => "disabled",
        BulkAction::Enable => "enabled",
        BulkAction::Delete => "deleted",
        BulkAction::Preset => "preset",
    };
    leptos_axum::redirect(&format!(
        "/settings/sub-accounts?bulk={done}&count={}",
        changed.len()
    ));
    Ok(())
}

/// The logins of the sub-accounts `ids` (comma-separated), for the page
/// that confirms their deletion.
#[server(endpoint = "sub-accounts/selected")]
pub async fn selected_sub_accounts(ids: String) -> Result<Vec<(i64, String)>, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    let ids: Vec<i64> = ids
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| id.trim().parse().map_err(|_| AppError::NotFound))
        .collect::<Result<_, _>>()?;
    let ids = selected(ids, Vec::new(), false)?;
    repo::logins_of(&state.pool, account_id, &ids)
        .await?
        .ok_or(AppError::NotFound)
}

#[server(endpoint = "sub-accounts/get")]
pub async fn get_sub_account(id: i64) -> Result<SubAccount, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    repo::find(&state.pool, account_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The password generated for the sub-account just created or reset, once.
#[server(endpoint = "sub-accounts/generated-password")]
pub async fn take_generated_password() -> Result<Option<GeneratedPassword>, AppError> {
    use ssr::*;
    owner_account().await?;
    take_generated().await
}

/// Creates a sub-account whose password, typed or generated (`generate`),
/// is temporary: the sub-user chooses their own at the first login.
#[server(endpoint = "sub-accounts/create")]
pub async fn create_sub_account(
    login: String,
    #[server(default)] password: String,
    name: String,
    phone: String,
    email: String,
    #[server(default)] company: String,
    #[server(default)] monthly_cap: String,
    #[server(default)] preset: String,
    #[server(default)] copy_from: String,
    #[server(default)] generate: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let start = proposal(&state, account_id, &preset, &copy_from).await?;
    let generated = generate.map(|_| crate::server::password::generate());
    let contact = ContactForm {
        name,
        phone,
        email,
        company,
    };
    let typed = generated
        .as_ref()
        .map_or(password.as_str(), Password::expose);
    let (user, cap) = match (
        NewUser::parse(&login, typed, &contact),
        parse_cap(&monthly_cap),
    ) {
        (Ok(user), Ok(cap)) => (user, cap),
        (user, cap) => {
            // Every field comes back as typed, whichever was refused.
            let mut errors = FormErrors::default();
            errors.keep("login", &login);
            contact.keep(&mut errors);
            errors.extend(user.err().unwrap_or_default());
            errors.extend(cap.err().unwrap_or_default());
            return Err(AppError::Invalid(errors));
        }
    };
    let id = repo::create(&state.pool, &state.passwords, account_id, &user, cap).await?;
    if let Some(start) = &start {
        repo::save_permissions(&state.pool, account_id, id, start.permissions).await?;
    }
    if let Some(generated) = &generated {
        remember_generated(user.login.as_str(), generated).await?;
    }
    audit(
        &state,
        &viewer,
        "sub_account_created",
        user.login.as_str(),
        format!(
            "id {id}, monthly cap {}{}",
            cap_words(cap.map(|c| c.money().0)),
            start.map_or_else(String::new, |start| format!(
                ", access from {}",
                start.source
            ))
        ),
    )
    .await;
    back_to_list(ListNotice::Created, user.login.as_str(), id);
    Ok(())
}

#[server(endpoint = "sub-accounts/update")]
pub async fn update_sub_account(
    id: i64,
    name: String,
    phone: String,
    email: String,
    #[server(default)] company: String,
    #[server(default)] monthly_cap: String,
) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let before = sub_account(&state, account_id, id).await?;
    let mut errors = FormErrors::default();
    let contact = ContactForm {
        name,
        phone,
        email,
        company,
    }
    .parse(&mut errors);
    let cap = parse_cap(&monthly_cap).map_err(|refused| errors.extend(refused));
    let (Some(contact), Ok(cap)) = (contact.filter(|_| errors.is_empty()), cap) else {
        return Err(AppError::Invalid(errors));
    };
    found(repo::update(&state.pool, account_id, id, &contact, cap).await?)?;
    audit(
        &state,
        &viewer,
        "sub_account_edited",
        &before.login,
        String::new(),
    )
    .await;
    let cap = cap.map(|cap| cap.money().0);
    if cap != before.monthly_cap {
        let change = format!("{} → {}", cap_words(before.monthly_cap), cap_words(cap));
        audit(
            &state,
            &viewer,
            "spending_cap_changed",
            &before.login,
            change,
        )
        .await;
    }
    back_to_list(ListNotice::Edited, &before.login, id);
    Ok(())
}

/// Sets a new password, typed or generated (`generate`), for the sub-user
/// to replace at their next login; their sessions end.
#[server(endpoint = "sub-accounts/reset-password")]
pub async fn reset_sub_account_password(
    id: i64,
    #[server(default)] password: String,
    #[server(default)] generate: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let target = sub_account(&state, account_id, id).await?;
    let password = match generate {
        Some(_) => crate::server::password::generate(),
        None => Password::parse(&password).map_err(|e| AppError::invalid("password", e))?,
    };
    let hash = state.passwords.hash(&password).await;
    found(repo::reset_password(&state.pool, account_id, id, &hash).await?)?;
    if generate.is_some() {
        remember_generated(&target.login, &password).await?;
    }
    audit(
        &state,
        &viewer,
        "sub_account_password_reset",
        &target.login,
        String::new(),
    )
    .await;
    back_to_list(ListNotice::PasswordReset, &target.login, id);
    Ok(())
}

/// Disables (ending open sessions) or enables a sub-account.
#[server(endpoint = "sub-accounts/set-enabled")]
pub async fn set_sub_account_enabled(
    id: i64,
    #[server(default)] enabled: bool,
) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let target = sub_account(&state, account_id, id).await?;
    found(repo::set_disabled(&state.pool, account_id, id, !enabled).await?)?;
    let action = if enabled {
        "sub_account_enabled"
    } else {
        "sub_account_disabled"
    };
    audit(&state, &viewer, action, &target.login, String::new()).await;
    let notice = if enabled {
        ListNotice::Enabled
    } else {
        ListNotice::Disabled
    };
    back_to_list(notice, &target.login, id);
    Ok(())
}

/// Ends every open session of a sub-user without changing anything else.
#[server(endpoint = "sub-accounts/sign-out")]
pub async fn sign_out_sub_account(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let target = sub_account(&state, account_id, id).await?;
    found(repo::end_sessions(&state.pool, account_id, id).await?)?;
    audit(
        &state,
        &viewer,
        "sub_account_signed_out",
        &target.login,
        String::new(),
    )
    .await;
    back_to_list(ListNotice::SignedOut, &target.login, id);
    Ok(())
}

/// Turns a sub-user's two-factor authentication off, for one who lost
/// their phone and their recovery codes; their sessions end.
#[server(endpoint = "sub-accounts/reset-two-factor")]
pub async fn reset_sub_account_two_factor(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let target = sub_account(&state, account_id, id).await?;
    crate::server::two_factor::disable(&state.pool, target.id).await?;
    audit(
        &state,
        &viewer,
        "two_factor_reset",
        &target.login,
        String::new(),
    )
    .await;
    back_to_list(ListNotice::TwoFactorReset, &target.login, id);
    Ok(())
}

#[server(endpoint = "sub-accounts/delete")]
pub async fn delete_sub_account(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let target = sub_account(&state, account_id, id).await?;
    found(repo::delete(&state.pool, account_id, id).await?)?;
    audit(
        &state,
        &viewer,
        "sub_account_deleted",
        &target.login,
        String::new(),
    )
    .await;
    back_to_list(ListNotice::Deleted, &target.login, id);
    Ok(())
}

/// A sub-account's access as saved, and, when asked, the ticks a preset
/// (`preset`) or another sub-account (`copy_from`) would give it.
#[server(endpoint = "sub-accounts/access")]
pub async fn get_access(
    id: i64,
    #[server(default)] preset: String,
    #[server(default)] copy_from: String,
) -> Result<AccessOfSubAccount, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    let sub_account = repo::find(&state.pool, account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let permissions = repo::permissions_of(&state.pool, sub_account.id).await?;
    let proposed = proposal(&state, account_id, &preset, &copy_from).await?;
    Ok(AccessOfSubAccount {
        sub_account,
        permissions,
        proposed,
    })
}

/// The presets and the team, for the pickers of the create form and the
/// Access page.
#[server(endpoint = "sub-accounts/templates")]
pub async fn get_access_templates() -> Result<AccessTemplates, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    Ok(AccessTemplates {
        presets: crate::server::presets::all(&state.pool, account_id).await?,
        team: repo::team(&state.pool, account_id).await?,
    })
}

/// Replaces the grants. An inconsistent set (an export without its view, say)
/// is refused with the reason; the server never widens what was asked.
#[server(endpoint = "sub-accounts/access/save")]
pub async fn save_access(
    id: i64,
    #[server(default)] permissions: Vec<String>,
) -> Result<PermissionSet, AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let set = PermissionSet::from_ticked(&permissions).map_err(AppError::Rejected)?;
    let target = sub_account(&state, account_id, id).await?;
    let before = repo::permissions_of(&state.pool, id).await?;
    found(repo::save_permissions(&state.pool, account_id, id, set).await?)?;
    let added = set
        .iter()
        .filter(|p| !before.contains(*p))
        .map(|p| format!("+{}", p.key()));
    let removed = before
        .iter()
        .filter(|p| !set.contains(*p))
        .map(|p| format!("-{}", p.key()));
    let change = added.chain(removed).collect::<Vec<_>>().join(" ");
    audit(
        &state,
        &viewer,
        "permissions_changed",
        &target.login,
        change,
    )
    .await;
    leptos_axum::redirect(&format!("/settings/sub-accounts/{id}/access?saved=1"));
    Ok(set)
}
