use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::route_id;
use crate::{
    api::sub_accounts::{
        get_access, get_access_templates, AccessOfSubAccount, AccessTemplates, SaveAccess,
    },
    components::menu::{visible_menu, MenuGroups},
    components::{
        form::{FormError, SubmitButton},
        guard::{set_status, Guarded},
        leave_guard::warn_before_leaving,
    },
    domain::{preview, Access, Category, Money, Permission, PermissionSet},
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
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            id.get(),
            q.get("preset").unwrap_or_default(),
            q.get("copy_from").unwrap_or_default(),
        )
    };
    let access = Resource::new(asked, |(id, preset, copy_from)| {
        get_access(id, preset, copy_from)
    });
    let templates = Resource::new(|| (), |_| get_access_templates());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (access.await, templates.await) {
                    (Ok(access), Ok(templates)) => view! { <AccessForm access templates /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => {
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

/// "Apply preset" and "Copy": plain GET forms back to this page, which then
/// proposes those ticks; nothing is saved until Save.
#[component]
fn TemplatePickers(templates: AccessTemplates, id: i64, chosen: (String, String)) -> impl IntoView {
    let (chosen_preset, chosen_copy) = chosen;
    let others: Vec<(i64, String)> = templates
        .team
        .into_iter()
        .filter(|(other, _)| *other != id)
        .collect();
    view! {
        <div class="template-pickers card">
            <form method="get" class="picker">
                <div class="field">
                    <label for="preset">"Preset"</label>
                    <select id="preset" name="preset" required>
                        <option value="">"Choose a preset…"</option>
                        {templates.presets.into_iter().map(|preset| {
                            let key = preset.reference().key();
                            let selected = key == chosen_preset;
                            let label = if preset.is_built_in() { format!("{} (built-in)", preset.name) } else { preset.name.clone() };
                            view! { <option value=key selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="btn">"Apply preset"</button>
            </form>
            <form method="get" class="picker">
                <div class="field">
                    <label for="copy_from">"Copy from"</label>
                    <select id="copy_from" name="copy_from" required>
                        <option value="">"Choose a sub-account…"</option>
                        {others.into_iter().map(|(other, login)| {
                            let selected = other.to_string() == chosen_copy;
                            view! { <option value=other selected=selected>{login}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="btn">"Copy"</button>
            </form>
            <a class="link-quiet" href="/settings/sub-accounts/presets">"Manage presets"</a>
        </div>
    }
}

#[component]
fn AccessForm(access: AccessOfSubAccount, templates: AccessTemplates) -> impl IntoView {
    let action = ServerAction::<SaveAccess>::new();
    let query = use_query_map();
    let saved = move || match action.value().get() {
        Some(result) => result.is_ok(),
        None => query.read().get("saved").is_some(),
    };
    let sub = access.sub_account;
    let chosen = {
        let q = query.read_untracked();
        (
            q.get("preset").unwrap_or_default(),
            q.get("copy_from").unwrap_or_default(),
        )
    };
    let shown = access
        .proposed
        .as_ref()
        .map_or(access.permissions, |p| p.permissions);
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
        <TemplatePickers templates id=sub.id chosen />
        {access.proposed.map(|proposed| view! {
            <p role="status" class="status info">
                {format!("{} applied: the boxes below show it. Review them, then Save; nothing changes until you do.", proposed.source)}
            </p>
        })}
        <ActionForm action attr:class="access-form">
            <input type="hidden" name="id" value=sub.id />
            <FormError action />
            <PermissionRules>
                <PermissionGrid granted=shown saved=access.permissions />
                <div class="static-preview" data-cap=sub.monthly_cap.map(|cap| cap.to_string())>
                    <PreviewPanel permissions=shown cap=sub.monthly_cap.map(Money) />
                </div>
            </PermissionRules>
            <div class="form-actions sticky">
                <SubmitButton label="Save" />
                {move || saved().then(|| view! { <p role="status" class="status ok">"Saved"</p> })}
            </div>
        </ActionForm>
    }
}

/// The permission checkboxes, as the server renders them: ticked as
/// `granted`; `saved` (the grants as stored, when they differ) tells the
/// browser what leaving would lose.
#[component]
pub fn PermissionGrid(
    granted: PermissionSet,
    #[prop(optional)] saved: Option<PermissionSet>,
) -> impl IntoView {
    let saved = saved.unwrap_or(granted);
    let saved_keys = saved
        .iter()
        .map(Permission::key)
        .collect::<Vec<_>>()
        .join(",");
    view! {
        <div class="permission-grid" data-saved=saved_keys>
            {Category::ALL.into_iter().map(|category| view! {
                <fieldset class="card permission-group">
                    <legend>{category.label()}</legend>
                    {category.permissions().map(|permission| {
                        let id = format!("perm-{}", permission.key());
                        view! {
                            <div class="permission">
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    name="permissions[]"
                                    value=permission.key()
                                    checked=granted.contains(permission)
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

/// What the sub-user will see with `permissions` ticked: the menu, drawn by
/// the real menu's code for such a sub-user, and sentences of what they can
/// and cannot do.
#[component]
fn PreviewPanel(permissions: PermissionSet, cap: Option<Money>) -> impl IntoView {
    let viewer = preview::sub_user_with(permissions);
    view! {
        <section class="card preview" aria-labelledby="preview-title">
            <h2 id="preview-title">"Preview"</h2>
            <p class="help">"The menu they will see, with the boxes as ticked now."</p>
            <nav aria-label="Preview menu" class="preview-menu">
                <ul class="nav-list"><li><span>"Home"</span></li></ul>
                <MenuGroups groups=visible_menu(&viewer) item=|item| view! { <span>{item.label}</span> } />
            </nav>
            <ul class="preview-sentences">
                {preview::sentences(permissions, cap).into_iter().map(|sentence| view! { <li>{sentence}</li> }).collect_view()}
            </ul>
        </section>
    }
}

/// The rules of the grid, an island around it: a tick also ticks what the
/// permission requires, an untick unticks what requires it, and a sentence
/// says so; leaving with ticks not yet saved asks first. It reads and ticks
/// the checkboxes the server rendered (no props: CLIENT.md).
#[island]
pub fn PermissionRules(children: Children) -> impl IntoView {
    let grid = NodeRef::<leptos::html::Div>::new();
    let note = RwSignal::new(None::<String>);
    // As saved (read once the island is live), and as ticked now.
    let saved = RwSignal::new(None::<PermissionSet>);
    let ticked = RwSignal::new(None::<PermissionSet>);
    Effect::new(move || {
        if let Some(grid) = grid.get() {
            ticked.set(Some(boxes::read(&grid)));
            saved.set(Some(boxes::saved(&grid)));
        }
    });
    warn_before_leaving(Signal::derive(move || ticked.get() != saved.get()));
    let on_change = move |event: leptos::ev::Event| {
        let (Some(grid), Some(permission)) = (
            grid.get_untracked(),
            Permission::from_key(&event_target_value(&event)),
        ) else {
            return;
        };
        let now = boxes::read(&grid);
        let (before, after) = if event_target_checked(&event) {
            (now.with_revoked(permission), now.with_granted(permission))
        } else {
            (now.with_granted(permission), now.with_revoked(permission))
        };
        boxes::write(&grid, after);
        ticked.set(Some(after));
        note.set(explain(permission, before, after));
    };
    // The server drew the preview for the boxes as they came; once live,
    // the island draws it for the boxes as they are ticked.
    let cap = Memo::new(move |_| {
        grid.get()
            .and_then(|grid| grid.query_selector("[data-cap]").ok().flatten())
            .and_then(|preview| preview.get_attribute("data-cap"))
            .and_then(|cap| cap.parse().ok())
            .map(Money)
    });
    view! {
        <p class="dependency-note" aria-live="polite">{move || note.get()}</p>
        <div class="access-layout" class:live=move || ticked.get().is_some() node_ref=grid on:change=on_change>
            {children()}
            {move || ticked.get().map(|permissions| view! {
                <div class="live-preview"><PreviewPanel permissions cap=cap.get() /></div>
            })}
        </div>
    }
}

/// The checkboxes of the grid in the page.
mod boxes {
    use leptos::{
        wasm_bindgen::JsCast,
        web_sys::{Element, HtmlInputElement},
    };

    use crate::domain::{Permission, PermissionSet};

    fn each(grid: &Element, mut visit: impl FnMut(HtmlInputElement, Permission)) {
        let Ok(inputs) = grid.query_selector_all("input[type=checkbox]") else {
            return;
        };
        for input in (0..inputs.length()).filter_map(|i| inputs.item(i)) {
            if let Ok(input) = input.dyn_into::<HtmlInputElement>() {
                if let Some(permission) = Permission::from_key(&input.value()) {
                    visit(input, permission);
                }
            }
        }
    }

    /// The permissions ticked now.
    pub fn read(grid: &Element) -> PermissionSet {
        let mut set = PermissionSet::empty();
        each(grid, |input, permission| {
            if input.checked() {
                set.insert(permission);
            }
        });
        set
    }

    /// The permissions as stored, which the server wrote beside the boxes.
    pub fn saved(grid: &Element) -> PermissionSet {
        let keys = grid
            .query_selector("[data-saved]")
            .ok()
            .flatten()
            .and_then(|list| list.get_attribute("data-saved"))
            .unwrap_or_default();
        keys.split(',').filter_map(Permission::from_key).collect()
    }

    /// Ticks exactly `set`.
    pub fn write(grid: &Element, set: PermissionSet) {
        each(grid, |input, permission| {
            input.set_checked(set.contains(permission))
        });
    }
}
