use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::contacts::{
        get_contact_list, get_import, import_error, list_contact_lists, AddContact, Contact,
        CreateContactList, DeleteContactList, ImportContacts, ImportReport, RemoveContact,
        RenameContactList, UpdateContact, IMPORT_FILE,
    },
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::{set_status, Guarded},
        table::{query_string, short_time, Pager, SearchBox},
    },
    domain::{group_thousands, Access, Permission},
    pages::sub_accounts::route_id,
};

const ACCESS: Access = Access::Permission(Permission::UseDatabase);

#[component]
pub fn DatabasePage() -> impl IntoView {
    view! {
        <Title text="Database" />
        <Guarded access=ACCESS>
            <Lists />
        </Guarded>
    }
}

#[component]
fn Lists() -> impl IntoView {
    let create = ServerAction::<CreateContactList>::new();
    let errors = form_errors(create);
    let lists = Resource::new(|| (), |_| list_contact_lists());
    view! {
        <header class="page-header">
            <div>
                <h1>"Database"</h1>
                <p class="lead">"Contact lists to send campaigns to. Import them from CSV or add contacts one by one."</p>
            </div>
        </header>
        <section class="card">
            <h2>"New contact list"</h2>
            <ActionForm action=create attr:class="inline-fields">
                <FormError action=create />
                <Field label="List name" name="name" errors required=true />
                <SubmitButton label="Create list" />
            </ActionForm>
        </section>
        <section class="card table-card">
            <Transition fallback=|| view! { <p class="loading">"Loading lists…"</p> }>
                {move || Suspend::new(async move {
                    lists.await.map(|lists| {
                        if lists.is_empty() {
                            return view! { <p class="empty">"No contact lists yet. Create one above, then import your contacts."</p> }.into_any();
                        }
                        view! {
                            <table class="data-table">
                                <thead><tr>
                                    <th scope="col">"List"</th>
                                    <th scope="col" class="num">"Contacts"</th>
                                    <th scope="col">"Created"</th>
                                    <th scope="col">"By"</th>
                                </tr></thead>
                                <tbody>
                                    {lists.into_iter().map(|list| view! {
                                        <tr>
                                            <th scope="row"><A href=format!("/sending/database/{}", list.id)>{list.name}</A></th>
                                            <td class="num">{list.contacts}</td>
                                            <td>{short_time(&list.created_at)}</td>
                                            <td>{list.created_by.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ContactListPage() -> impl IntoView {
    view! {
        <Title text="Contact list" />
        <Guarded access=ACCESS>
            <ContactList />
        </Guarded>
    }
}

#[component]
fn ContactList() -> impl IntoView {
    let id = route_id();
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let add = ServerAction::<AddContact>::new();
    let update = ServerAction::<UpdateContact>::new();
    let remove = ServerAction::<RemoveContact>::new();
    let rename = ServerAction::<RenameContactList>::new();
    let delete = ServerAction::<DeleteContactList>::new();
    let import = ServerAction::<ImportContacts>::new();
    let list = Resource::new(
        move || (id.get(), page(), search()),
        |(id, page, search)| get_contact_list(id, page, search),
    );
    let add_errors = form_errors(add);
    let rename_errors = form_errors(rename);
    let import_errors = form_errors(import);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(error) => {
                        set_status(error.status());
                        view! { <section class="card notice"><h1>"Contact list not found"</h1><p><a href="/sending/database">"Back to Database"</a></p></section> }.into_any()
                    }
                    Ok(data) => {
                        let list_id = data.list.id;
                        let contacts = data.contacts;
                        let countries = data.countries;
                        let (number, pages, total) = (contacts.page, contacts.pages(), contacts.total);
                        let pager_query = query_string(&[("search", &search())]);
                        view! {
                            <header class="page-header">
                                <div>
                                    <p class="breadcrumb"><a href="/sending/database">"Database"</a>" /"</p>
                                    <h1>{data.list.name.clone()}</h1>
                                    <p class="lead">{format!("{} contacts", group_thousands(data.list.contacts))}</p>
                                </div>
                                <details class="row-actions">
                                    <summary role="button" class="btn danger-outline">"Delete list"</summary>
                                    <div class="menu confirm">
                                        <p>"Delete this list and all its contacts? This cannot be undone."</p>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="id" value=list_id />
                                            <SubmitButton label="Delete" class="btn danger" />
                                        </ActionForm>
                                    </div>
                                </details>
                            </header>
                            <div class="two-columns">
                                <section class="card">
                                    <h2>"Add a contact"</h2>
                                    <ActionForm action=add>
                                        <FormError action=add />
                                        <input type="hidden" name="list_id" value=list_id />
                                        <Field label="Phone" name="phone" kind="tel" errors=add_errors required=true
                                            help="International format, e.g. +44 7430 900123." check=Check::PhoneInList />
                                        <Field label="Name" name="name" errors=add_errors />
                                        <SubmitButton label="Add contact" />
                                    </ActionForm>
                                </section>
                                <section class="card">
                                    <h2>"Import from CSV"</h2>
                                    <ImportError />
                                    <form method="post" action=IMPORT_FILE enctype="multipart/form-data" class="import-file">
                                        <input type="hidden" name="list_id" value=list_id />
                                        <CountryChoice id="file-country" countries=countries.clone() />
                                        <div class="field">
                                            <label for="file">"CSV file"</label>
                                            <input id="file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" required />
                                            <p class="help">"Saved from a spreadsheet as CSV (UTF-8): phone number, then name."</p>
                                        </div>
                                        <button type="submit" class="btn primary">"Import file"</button>
                                    </form>
                                    <details class="paste-import">
                                        <summary>"Or paste rows"</summary>
                                        <ActionForm action=import>
                                            <FormError action=import />
                                            <input type="hidden" name="list_id" value=list_id />
                                            <CountryChoice id="paste-country" countries />
                                            <div class="field">
                                                <label for="csv">"CSV rows"</label>
                                                <textarea id="csv" name="csv" rows="5" required placeholder="phone,name\n+44 7430 900123,Olivia Smith"></textarea>
                                                <p class="help">"One contact per line: phone number, then name. A header line is skipped; numbers already in the list are counted, not added twice."</p>
                                                <p class="field-error">{move || import_errors.get().and_then(|e| e.error("csv").map(str::to_owned))}</p>
                                            </div>
                                            <SubmitButton label="Import" />
                                        </ActionForm>
                                    </details>
                                    <ImportResult import />
                                </section>
                            </div>
                            <section class="card">
                                <h2>"Rename"</h2>
                                <ActionForm action=rename attr:class="inline-fields">
                                    <FormError action=rename />
                                    <input type="hidden" name="id" value=list_id />
                                    <Field label="List name" name="name" errors=rename_errors initial=data.list.name required=true />
                                    <SubmitButton label="Rename" />
                                </ActionForm>
                            </section>
                            <section class="card table-card has-menus" aria-labelledby="contacts-title">
                                <div class="card-toolbar">
                                    <h2 id="contacts-title">"Contacts"</h2>
                                    <SearchBox label="Search contacts" value=search() placeholder="Name or number" />
                                </div>
                                <FormError action=update />
                                {if contacts.items.is_empty() {
                                    view! { <p class="empty">"No contacts match. Add one or import a CSV above."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="data-table stacks">
                                            <thead><tr>
                                                <th scope="col">"Name"</th>
                                                <th scope="col">"Phone"</th>
                                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                            </tr></thead>
                                            <tbody>
                                                // Keyed by the contact as shown: a row that changed is drawn
                                                // afresh, and an open editor moves with its own contact.
                                                <For each=move || contacts.items.clone()
                                                    key=|c| (c.id, c.name.clone(), c.phone.clone())
                                                    let:contact>
                                                    <ContactRow contact update remove />
                                                </For>
                                            </tbody>
                                        </table>
                                        <Pager page=number pages total query=pager_query noun="contacts" />
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ContactRow(
    contact: Contact,
    update: ServerAction<UpdateContact>,
    remove: ServerAction<RemoveContact>,
) -> impl IntoView {
    let label = if contact.name.is_empty() {
        contact.phone.clone()
    } else {
        contact.name.clone()
    };
    view! {
        <tr>
            <td data-label="Name">{contact.name.clone()}</td>
            <td class="mono nowrap" data-label="Phone">{contact.phone_display.clone()}</td>
            <td class="actions">
                <details class="row-actions">
                    <summary role="button" class="btn icon" aria-label=format!("Actions for {label}")>"+"</summary>
                    <div class="menu">
                        <ActionForm action=update attr:class="menu-form">
                            <input type="hidden" name="id" value=contact.id />
                            <label>"Phone"<input name="phone" value=contact.phone required /></label>
                            <label>"Name"<input name="name" value=contact.name /></label>
                            <button type="submit">"Save contact"</button>
                        </ActionForm>
                        <ActionForm action=remove>
                            <input type="hidden" name="id" value=contact.id />
                            <button type="submit" class="danger">"Remove"</button>
                        </ActionForm>
                    </div>
                </details>
            </td>
        </tr>
    }
}

/// Where national numbers (without `+` and country code) come from.
#[component]
fn CountryChoice(id: &'static str, countries: Vec<(String, String)>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"Numbers without a country code are from"</label>
            <select id=id name="country">
                {countries.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                <option value="">"Nowhere: refuse them"</option>
            </select>
        </div>
    }
}

/// Why the last file was not imported (`?import_error=` from the upload).
#[component]
fn ImportError() -> impl IntoView {
    let query = use_query_map();
    move || {
        let message = match query.read().get("import_error")?.as_str() {
            import_error::NOT_TEXT => {
                "That file is not text. Save the sheet as CSV (UTF-8) and try again."
            }
            import_error::NO_FILE => "Choose a CSV file first.",
            import_error::REFUSED => {
                "That file holds no rows to import, or more than an import takes."
            }
            _ => return None,
        };
        Some(view! { <p class="form-error" role="alert">{message}</p> })
    }
}

/// The report of the last import: from the action, or from `?import=` after a plain form post.
#[component]
fn ImportResult(import: ServerAction<ImportContacts>) -> impl IntoView {
    let query = use_query_map();
    let from_query = Resource::new(
        move || {
            query
                .read()
                .get("import")
                .and_then(|id| id.parse::<i64>().ok())
        },
        |id| async move {
            match id {
                Some(id) => get_import(id).await.ok(),
                None => None,
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let report = import.value().get().and_then(Result::ok).or(from_query.await);
                report.map(|report| view! { <ImportReportView report /> })
            })}
        </Transition>
    }
}

#[component]
fn ImportReportView(report: ImportReport) -> impl IntoView {
    view! {
        <div class="import-report" role="status">
            <p><strong>{format!("Imported {} contact(s)", report.added)}</strong>
                {format!(" · {} already in the list · {} refused", report.duplicates, report.rejected)}</p>
            {(!report.errors.is_empty()).then(|| view! {
                <ul class="problems">
                    {report.errors.into_iter().take(100).map(|(line, reason)| view! { <li>{format!("Line {line}: {reason}")}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}
