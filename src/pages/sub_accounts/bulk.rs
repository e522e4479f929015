//! Bulk actions on the Sub Accounts list: rows are ticked, then disabled,
//! enabled, deleted (after a page that names how many) or given a preset,
//! all or none. Without JavaScript "Select all on this page" is sent along
//! and the server takes every row the page listed; with it, an island
//! ticks the rows as well and counts them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::{
        presets::list_presets,
        sub_accounts::{selected_sub_accounts, BulkSubAccounts},
    },
    components::{
        form::{FormError, SubmitButton},
        guard::{set_status, Guarded},
    },
    domain::Access,
};

/// The form the row checkboxes belong to (they sit in the table, outside it).
const FORM: &str = "bulk";

#[component]
pub fn RowCheckbox(id: i64, login: String) -> impl IntoView {
    view! {
        <input type="checkbox" form=FORM name="ids[]" value=id aria-label=format!("Select {login}") />
    }
}

#[component]
pub fn SelectAllBox() -> impl IntoView {
    view! {
        <input type="checkbox" form=FORM name="all_on_page" value="1" data-select-all="" aria-label="Select all on this page" />
    }
}

/// The toolbar: what to do with the ticked rows.
#[component]
pub fn BulkBar(action: ServerAction<BulkSubAccounts>, page_ids: Vec<i64>) -> impl IntoView {
    let presets = Resource::new(|| (), |_| list_presets());
    view! {
        <ActionForm action attr:id=FORM attr:class="bulk-bar" attr:aria-label="With the selected sub-accounts">
            {page_ids.into_iter().map(|id| view! { <input type="hidden" name="page_ids[]" value=id /> }).collect_view()}
            <span class="bulk-count" data-selected-count="" aria-live="polite"></span>
            <button type="submit" name="action" value="disable" class="btn small">"Disable selected"</button>
            <button type="submit" name="action" value="enable" class="btn small">"Enable selected"</button>
            <button type="submit" name="action" value="delete" class="btn small danger">"Delete selected"</button>
            <span class="bulk-preset">
                <label for="bulk-preset">"Preset for selected"</label>
                <select id="bulk-preset" name="preset">
                    <Suspense>
                        {move || Suspend::new(async move {
                            presets.await.ok().map(|presets| presets.into_iter().map(|preset| {
                                let key = preset.reference().key();
                                view! { <option value=key>{preset.name}</option> }
                            }).collect_view())
                        })}
                    </Suspense>
                </select>
                <button type="submit" name="action" value="preset" class="btn small">"Apply preset to selected"</button>
            </span>
        </ActionForm>
    }
}

/// Ticks every row when "Select all on this page" is ticked, unticks it
/// when a row is unticked, and says how many are selected. It reads the
/// checkboxes the server rendered (no props: CLIENT.md).
#[island]
pub fn Selection(children: Children) -> impl IntoView {
    let part = NodeRef::<leptos::html::Div>::new();
    let on_change = move |event: leptos::ev::Event| {
        if let Some(part) = part.get_untracked() {
            boxes::follow(&part, &event);
        }
    };
    view! { <div class="selection" node_ref=part on:change=on_change>{children()}</div> }
}

mod boxes {
    use leptos::{
        ev::Event,
        wasm_bindgen::JsCast,
        web_sys::{Element, HtmlInputElement},
    };

    fn inputs(part: &Element, selector: &str) -> Vec<HtmlInputElement> {
        let Ok(found) = part.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|node| node.dyn_into::<HtmlInputElement>().ok())
            .collect()
    }

    pub fn follow(part: &Element, event: &Event) {
        let Some(changed) = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let rows = inputs(part, "input[name='ids[]']");
        let select_all = inputs(part, "input[data-select-all]");
        if changed.has_attribute("data-select-all") {
            for row in &rows {
                row.set_checked(changed.checked());
            }
        } else {
            let every = rows.iter().all(HtmlInputElement::checked);
            for all in &select_all {
                all.set_checked(every);
            }
        }
        let ticked = rows.iter().filter(|row| row.checked()).count();
        if let Ok(Some(count)) = part.query_selector("[data-selected-count]") {
            count.set_text_content(Some(&match ticked {
                0 => String::new(),
                1 => "1 selected".to_owned(),
                n => format!("{n} selected"),
            }));
        }
    }
}

/// Confirms the deletion of the ticked sub-accounts, naming how many.
#[component]
pub fn DeleteSelectedPage() -> impl IntoView {
    view! {
        <Title text="Delete selected sub-accounts" />
        <Guarded access=Access::SubAccounts>
            <DeleteSelected />
        </Guarded>
    }
}

#[component]
fn DeleteSelected() -> impl IntoView {
    let action = ServerAction::<BulkSubAccounts>::new();
    let query = use_query_map();
    let ids = query.read_untracked().get("ids").unwrap_or_default();
    let selected = Resource::new(move || ids.clone(), selected_sub_accounts);
    view! {
        <header class="page-header"><h1>"Delete selected sub-accounts"</h1></header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match selected.await {
                    Ok(selected) => {
                        let count = selected.len();
                        let what = if count == 1 { "1 sub-account".to_owned() } else { format!("{count} sub-accounts") };
                        view! {
                            <section class="card form-card danger-zone" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                                <h2 id="confirm-title">{format!("Delete {what}?")}</h2>
                                <p id="confirm-text">"They will no longer be able to log in, and their permissions are removed. This cannot be undone."</p>
                                <ul class="login-list">
                                    {selected.iter().map(|(_, login)| view! { <li class="mono">{login.clone()}</li> }).collect_view()}
                                </ul>
                                <ActionForm action>
                                    <FormError action />
                                    <input type="hidden" name="action" value="delete" />
                                    <input type="hidden" name="confirmed" value="1" />
                                    {selected.iter().map(|(id, _)| view! { <input type="hidden" name="ids[]" value=*id /> }).collect_view()}
                                    <div class="form-actions">
                                        <SubmitButton label=format!("Delete {what}") class="btn danger" />
                                        <A href="/settings/sub-accounts" attr:class="btn ghost">"Cancel"</A>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                    Err(error) => {
                        set_status(error.status());
                        view! {
                        <section class="card notice">
                            <p class="form-error" role="alert">{format!("{error}. Some of the selected sub-accounts no longer exist.")}</p>
                            <p><a href="/settings/sub-accounts">"Back to Sub Accounts"</a></p>
                        </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
