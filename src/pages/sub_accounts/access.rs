use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::route_id;
use crate::{
    api::sub_accounts::{get_access, AccessOfSubAccount, SaveAccess},
    components::{
        form::{FormError, SubmitButton},
        guard::{set_status, Guarded},
        leave_guard::warn_before_leaving,
    },
    domain::{Access, Category, Permission, PermissionSet},
};

#[component]
pub fn AccessPage() -> impl IntoView {
    view! {
        <Title text="Access of Sub Account" />
        <Guarded access=Access::SubAccounts>
            <AccessLoader />
        </Guarded>
    }
}

#[component]
fn AccessLoader() -> impl IntoView {
    let id = route_id();
    let access = Resource::new(move || id.get(), get_access);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(access) => view! { <AccessForm access /> }.into_any(),
                    Err(error) => {
                        set_status(error.status());
                        view! {
                            <section class="card notice">
                                <h1>"Sub-account not found"</h1>
                                <p>{error.to_string()}</p>
                                <p><a href="/settings/sub-accounts">"Back to Sub Accounts"</a></p>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Names a list of permissions for a sentence.
fn labels(permissions: PermissionSet) -> String {
    permissions
        .iter()
        .map(|p| format!("“{}”", p.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a click changed beyond the box itself, said in words.
fn explain(clicked: Permission, before: PermissionSet, after: PermissionSet) -> Option<String> {
    let mut added = PermissionSet::empty();
    let mut removed = PermissionSet::empty();
    for p in Permission::ALL.into_iter().filter(|p| *p != clicked) {
        match (before.contains(p), after.contains(p)) {
            (false, true) => added.insert(p),
            (true, false) => removed.insert(p),
            _ => {}
        }
    }
    if !added.is_empty() {
        Some(format!(
            "Also ticked {}: “{}” requires it.",
            labels(added),
            clicked.label()
        ))
    } else if !removed.is_empty() {
        Some(format!(
            "Also unticked {}: they require “{}”.",
            labels(removed),
            clicked.label()
        ))
    } else {
        None
    }
}

#[component]
fn AccessForm(access: AccessOfSubAccount) -> impl IntoView {
    let action = ServerAction::<SaveAccess>::new();
    let query = use_query_map();
    let saved = move || match action.value().get() {
        Some(result) => result.is_ok(),
        None => query.read().get("saved").is_some(),
    };
    let sub = access.sub_account;
    view! {
        <header class="page-header">
            <div>
                <h1>"Access of Sub Account"</h1>
                <p class="lead">
                    "Login " <strong class="mono">{sub.login.clone()}</strong> " · " {sub.name.clone()}
                    {sub.disabled.then_some(" · disabled")}
                </p>
            </div>
            <a href="/settings/sub-accounts" class="btn ghost">"Back to Sub Accounts"</a>
        </header>
        <ActionForm action attr:class="access-form">
            <input type="hidden" name="id" value=sub.id />
            <FormError action />
            <PermissionGrid granted=access.permissions />
            <div class="form-actions sticky">
                <SubmitButton label="Save" pending=action.pending() />
                {move || saved().then(|| view! { <p role="status" class="status ok">"Saved"</p> })}
            </div>
        </ActionForm>
    }
}

/// The permission checkboxes, an island: a tick also ticks what the
/// permission requires, an untick unticks what requires it, and a sentence
/// says so. Leaving with ticks not yet saved asks first.
#[island]
fn PermissionGrid(granted: PermissionSet) -> impl IntoView {
    let selected = RwSignal::new(granted);
    let note = RwSignal::new(None::<String>);
    warn_before_leaving(Signal::derive(move || selected.get() != granted));
    view! {
        <p class="dependency-note" aria-live="polite">{move || note.get()}</p>
        <div class="permission-grid">
            {Category::ALL.into_iter().map(|category| view! {
                <fieldset class="card permission-group">
                    <legend>{category.label()}</legend>
                    {category.permissions().map(|permission| {
                        let id = format!("perm-{}", permission.key());
                        let on_change = move |ev| {
                            let before = selected.get_untracked();
                            let after = if event_target_checked(&ev) {
                                before.with_granted(permission)
                            } else {
                                before.with_revoked(permission)
                            };
                            selected.set(after);
                            note.set(explain(permission, before, after));
                        };
                        view! {
                            <div class="permission">
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    name="permissions[]"
                                    value=permission.key()
                                    checked=granted.contains(permission)
                                    prop:checked=move || selected.get().contains(permission)
                                    on:change=on_change
                                />
                                <label for=id>
                                    {permission.label()}
                                </label>
                                <p class="help">
                                    {permission.description()}
                                    {permission.requires().map(|r| format!(" Requires “{}”.", r.label()))}
                                </p>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }).collect_view()}
        </div>
    }
}
