use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::manager::{list_accounts, AccountSummary, CreateAccount, SetCanAddSubaccount},
    components::{
        form::{form_errors, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::Access,
    pages::sub_accounts::form::ContactFields,
};

/// Manager → Accounts: every customer account and its "Can Add Subaccount" option.
#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <Title text="Accounts" />
        <Guarded access=Access::Manager>
            <AccountsTable />
        </Guarded>
    }
}

#[component]
fn AccountsTable() -> impl IntoView {
    let set_option = ServerAction::<SetCanAddSubaccount>::new();
    let accounts = Resource::new(|| (), |_| list_accounts());
    let query = use_query_map();
    let created = move || {
        let login = query.read().get("created")?;
        crate::domain::Login::parse(&login)
            .ok()
            .map(|l| l.into_inner())
    };
    let saved = move || {
        set_option.value().get().and_then(Result::ok).is_some()
            || query.read().get("saved").is_some()
    };
    view! {
        <header class="page-header">
            <div>
                <h1>"Accounts"</h1>
                <p class="lead">"Customer accounts of the platform. Sub-accounts are available only where " <strong>"Can Add Subaccount"</strong> " is on."</p>
            </div>
            <A href="/manager/accounts/new" attr:class="btn primary">"Create account"</A>
        </header>
        <FormError action=set_option />
        {move || saved().then(|| view! { <p role="status" class="status ok">"Saved"</p> })}
        {move || created().map(|login| view! {
            <p role="status" class="status ok">"Account created. Its owner logs in as " <strong>{login}</strong> "."</p>
        })}
        <section class="card table-card">
            <Transition fallback=|| view! { <p class="loading">"Loading accounts…"</p> }>
                {move || Suspend::new(async move {
                    accounts.await.map(|accounts| {
                        if accounts.is_empty() {
                            view! { <p class="empty">"No customer accounts yet. Create the first one with “Create account”."</p> }.into_any()
                        } else {
                            view! {
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Account"</th>
                                            <th scope="col">"Owner login"</th>
                                            <th scope="col">"Owner email"</th>
                                            <th scope="col" class="num">"Sub-accounts"</th>
                                            <th scope="col">"Option"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {accounts.into_iter().map(|account| view! { <AccountRow account set_option /> }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AccountRow(
    account: AccountSummary,
    set_option: ServerAction<SetCanAddSubaccount>,
) -> impl IntoView {
    let account_id = account.id;
    let checkbox_id = format!("can-add-{account_id}");
    view! {
        <tr>
            <th scope="row">{account.name}</th>
            <td>{account.owner_login}</td>
            <td>{account.owner_email}</td>
            <td class="num">{account.sub_accounts}</td>
            <td>
                <ActionForm action=set_option attr:class="row-form">
                    <input type="hidden" name="account_id" value=account_id />
                    <label class="checkbox" for=checkbox_id.clone()>
                        <input id=checkbox_id.clone() type="checkbox" name="can_add_subaccount" value="true" checked=account.can_add_subaccount />
                        "Can Add Subaccount"
                    </label>
                    <label class="checkbox" for=format!("two-factor-{account_id}")>
                        <input id=format!("two-factor-{account_id}") type="checkbox" name="require_two_factor" value="true" checked=account.require_two_factor_owner />
                        "Require two-factor authentication for the owner"
                    </label>
                    <SubmitButton label="Save" class="btn small" />
                </ActionForm>
                {(account.can_add_subaccount && account.sub_accounts > 0).then(|| view! {
                    <p class="help warning">{format!(
                        "Switching it off locks out its {} sub-user{} until it is switched on again.",
                        account.sub_accounts, if account.sub_accounts == 1 { "" } else { "s" }
                    )}</p>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn CreateAccountPage() -> impl IntoView {
    view! {
        <Title text="Create account" />
        <Guarded access=Access::Manager>
            <CreateAccountForm />
        </Guarded>
    }
}

#[component]
fn CreateAccountForm() -> impl IntoView {
    let action = ServerAction::<CreateAccount>::new();
    let errors = form_errors(action);
    view! {
        <header class="page-header">
            <div>
                <h1>"Create account"</h1>
                <p class="lead">"A new customer account with its owner's login. The owner can change the password after logging in."</p>
            </div>
        </header>
        <section class="card form-card">
            <ActionForm action>
                <FormError action />
                <ContactFields errors with_login=true />
                <label class="checkbox">
                    <input type="checkbox" name="can_add_subaccount" value="true" />
                    "Can Add Subaccount"
                </label>
                <div class="form-actions">
                    <SubmitButton label="Save" />
                    <A href="/manager/accounts" attr:class="btn ghost">"Cancel"</A>
                </div>
            </ActionForm>
        </section>
    }
}
