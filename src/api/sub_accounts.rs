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
        domain::{Access, ContactForm, NewUser, Password, PermissionSet, Viewer},
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
) -> Result<super::Page<SubAccount>, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    let sort = SubAccountSort::from_key(&sort);
    let page = super::page_number(page);
    Ok(repo::page(&state.pool, account_id, sort, dir == "desc", page).await?)
}

#[server(endpoint = "sub-accounts/get")]
pub async fn get_sub_account(id: i64) -> Result<SubAccount, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    repo::find(&state.pool, account_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[server(endpoint = "sub-accounts/create")]
pub async fn create_sub_account(
    login: String,
    password: String,
    name: String,
    phone: String,
    email: String,
    #[server(default)] company: String,
) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let user = NewUser::parse(
        &login,
        &password,
        &ContactForm {
            name,
            phone,
            email,
            company,
        },
    )
    .map_err(AppError::Invalid)?;
    let id = repo::create(&state.pool, &state.passwords, account_id, &user).await?;
    audit(
        &state,
        &viewer,
        "sub_account_created",
        user.login.as_str(),
        format!("id {id}"),
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
) -> Result<(), AppError> {
    use crate::domain::FormErrors;
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
    let Some(contact) = contact.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    found(repo::update(&state.pool, account_id, id, &contact).await?)?;
    audit(
        &state,
        &viewer,
        "sub_account_edited",
        &before.login,
        String::new(),
    )
    .await;
    back_to_list(ListNotice::Edited, &before.login, id);
    Ok(())
}

/// Sets a new password chosen by the owner; the sub-user's sessions end.
#[server(endpoint = "sub-accounts/reset-password")]
pub async fn reset_sub_account_password(id: i64, password: String) -> Result<(), AppError> {
    use ssr::*;
    let (viewer, account_id, state) = owner_account().await?;
    let target = sub_account(&state, account_id, id).await?;
    let password = Password::parse(&password).map_err(|e| AppError::invalid("password", e))?;
    let hash = state.passwords.hash(&password).await;
    found(repo::reset_password(&state.pool, account_id, id, &hash).await?)?;
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

#[server(endpoint = "sub-accounts/access")]
pub async fn get_access(id: i64) -> Result<AccessOfSubAccount, AppError> {
    use ssr::*;
    let (_, account_id, state) = owner_account().await?;
    let sub_account = repo::find(&state.pool, account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let permissions = repo::permissions_of(&state.pool, sub_account.id).await?;
    Ok(AccessOfSubAccount {
        sub_account,
        permissions,
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
    let set = PermissionSet::from_keys(&permissions).map_err(AppError::Rejected)?;
    if let Some((permission, required)) = set.missing_requirement() {
        return Err(AppError::Rejected(format!(
            "“{}” requires “{}”. Tick both, or neither.",
            permission.label(),
            required.label()
        )));
    }
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
