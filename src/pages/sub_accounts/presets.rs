//! Setting → Sub Accounts → Presets: the built-in presets and the owner's own.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::access::{PermissionGrid, PermissionRules};
use crate::{
    api::presets::{list_presets, CreatePreset, DeletePreset, Preset, RenamePreset},
    components::{
        form::{form_errors, Field, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::{Access, PermissionSet},
};

#[component]
pub fn PresetsPage() -> impl IntoView {
    view! {
        <Title text="Permission presets" />
        <Guarded access=Access::SubAccounts>
            <Presets />
        </Guarded>
    }
}

/// "Can Send Bulk, Can Use Database": what a preset ticks.
fn ticks(preset: &Preset) -> String {
    let set = preset.set();
    if set.is_empty() {
        return "No permissions".to_owned();
    }
    set.iter().map(|p| p.label()).collect::<Vec<_>>().join(", ")
}

#[component]
fn Presets() -> impl IntoView {
    let create = ServerAction::<CreatePreset>::new();
    let rename = ServerAction::<RenamePreset>::new();
    let delete = ServerAction::<DeletePreset>::new();
    let errors = form_errors(create);
    let presets = Resource::new(|| (), |_| list_presets());
    let query = use_query_map();
    let done = move || {
        let done = query.read().get("done")?;
        let sentence = match done.as_str() {
            "created" => {
                "Preset created. Apply it on a sub-account’s Access page or when you create one."
            }
            "renamed" => "Preset renamed.",
            "deleted" => "Preset deleted. Sub-accounts it was applied to keep their permissions.",
            _ => return None,
        };
        Some(view! { <p role="status" class="status ok">{sentence}</p> })
    };
    view! {
        <header class="page-header">
            <div>
                <h1>"Permission presets"</h1>
                <p class="lead">"Templates of permissions for the roles on your team. Applying one ticks its boxes on a sub-account’s Access page; you still review and save."</p>
            </div>
            <a href="/settings/sub-accounts" class="btn ghost">"Back to Sub Accounts"</a>
        </header>
        {done}
        <FormError action=rename />
        <FormError action=delete />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                presets.await.map(|presets| {
                    let (built_in, own): (Vec<Preset>, Vec<Preset>) = presets.into_iter().partition(Preset::is_built_in);
                    view! {
                        <section class="card table-card" aria-labelledby="built-in-title">
                            <div class="card-toolbar"><h2 id="built-in-title">"Built-in presets"</h2></div>
                            <table class="data-table stacks">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Permissions"</th></tr></thead>
                                <tbody>
                                    {built_in.into_iter().map(|preset| view! {
                                        <tr><td data-label="Name">{preset.name.clone()}</td><td data-label="Permissions">{ticks(&preset)}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <section class="card table-card" aria-labelledby="own-title">
                            <div class="card-toolbar"><h2 id="own-title">"Your presets"</h2></div>
                            {if own.is_empty() {
                                view! { <p class="empty">"None yet. Create one below for a role the built-in presets do not fit."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table stacks">
                                        <thead><tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Permissions"</th>
                                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {own.into_iter().map(|preset| view! { <OwnPresetRow preset rename delete /> }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }
                })
            })}
        </Transition>
        <section class="card form-card" aria-labelledby="new-preset-title">
            <h2 id="new-preset-title">"New preset"</h2>
            <ActionForm action=create>
                <FormError action=create />
                <Field label="Name" name="name" errors required=true autocomplete="off"
                    help="After the role it fits, e.g. Support or Night shift." />
                <PermissionRules>
                    <PermissionGrid granted=PermissionSet::empty() />
                </PermissionRules>
                <div class="form-actions">
                    <SubmitButton label="Create preset" />
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn OwnPresetRow(
    preset: Preset,
    rename: ServerAction<RenamePreset>,
    delete: ServerAction<DeletePreset>,
) -> impl IntoView {
    let name_id = format!("preset-name-{}", preset.id);
    let permissions = ticks(&preset);
    let (rename_label, delete_label) = (
        format!("New name for {}", preset.name),
        format!("Delete preset {}", preset.name),
    );
    view! {
        <tr>
            <td data-label="Name">{preset.name.clone()}</td>
            <td data-label="Permissions">{permissions}</td>
            <td class="actions">
                <div class="row-forms">
                    <ActionForm action=rename attr:class="inline-form">
                        <input type="hidden" name="id" value=preset.id />
                        <label for=name_id.clone() class="visually-hidden">{rename_label}</label>
                        <input id=name_id type="text" name="name" required maxlength="60" value=preset.name />
                        <button type="submit" class="btn small">"Rename"</button>
                    </ActionForm>
                    <ActionForm action=delete attr:class="inline-form">
                        <input type="hidden" name="id" value=preset.id />
                        <button type="submit" class="btn small danger" aria-label=delete_label>"Delete"</button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}
