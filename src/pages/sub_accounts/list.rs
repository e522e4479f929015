use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::bulk::{BulkBar, RowCheckbox, SelectAllBox, Selection};
use crate::{
    api::sub_accounts::{
        list_sub_accounts, take_generated_password, BulkSubAccounts, GeneratedPassword, ListNotice,
        ResetSubAccountTwoFactor, SetSubAccountEnabled, SignOutSubAccount, SubAccount,
        SubAccountFilter, SubAccountSort,
    },
    api::two_factor::{two_factor_required_for_subs, RequireTwoFactorForSubs},
    components::{
        form::{FormError, SubmitButton},
        guard::Guarded,
        table::short_time,
    },
    domain::{group_thousands, Access, Category, Login, Money, Permission},
};

#[component]
pub fn SubAccountsPage() -> impl IntoView {
    view! {
        <Title text="Sub Accounts" />
        <Guarded access=Access::SubAccounts>
            <SubAccountsList />
        </Guarded>
    }
}

#[component]
fn SubAccountsList() -> impl IntoView {
    let set_enabled = ServerAction::<SetSubAccountEnabled>::new();
    let sign_out = ServerAction::<SignOutSubAccount>::new();
    let bulk = ServerAction::<BulkSubAccounts>::new();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        SubAccountFilter::parse(
            q.get("q").as_deref().unwrap_or_default(),
            q.get("status").as_deref().unwrap_or_default(),
            q.get("permission").as_deref().unwrap_or_default(),
        )
    });
    let sort = Memo::new(move |_| {
        let q = query.read();
        let column = SubAccountSort::from_key(q.get("sort").as_deref().unwrap_or_default());
        (column, q.get("dir").as_deref() == Some("desc"))
    });
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    // Sorted and paged on the server: a page carries 20 rows, not the whole team.
    let rows = Resource::new(
        move || (sort.get(), page.get(), filter.get()),
        |((column, descending), page, filter)| {
            let dir = if descending { "desc" } else { "asc" };
            list_sub_accounts(
                column.key().to_owned(),
                dir.to_owned(),
                page,
                filter.search.clone(),
                filter.status_key().to_owned(),
                filter.permission_key().to_owned(),
            )
        },
    );

    view! {
        <header class="page-header">
            <div>
                <h1>"Sub Accounts"</h1>
                <p class="lead">"Logins for the people on your team, each with only the permissions they need."</p>
            </div>
            <div class="header-actions">
                <A href="/settings/sub-accounts/presets" attr:class="btn ghost">"Presets"</A>
                <A href="/settings/sub-accounts/new" attr:class="btn primary">"Create"</A>
            </div>
        </header>
        <FormError action=set_enabled />
        <FormError action=sign_out />
        <FormError action=bulk />
        <Notice />
        <ShownOnce />
        <FilterBar filter=filter.get_untracked() />
        <TwoFactorRequirement />
        <section class="card table-card has-menus">
            <Transition fallback=|| view! { <p class="loading">"Loading sub-accounts…"</p> }>
                {move || Suspend::new(async move {
                    rows.await.map(|listed| {
                        let filter = filter.get_untracked();
                        if listed.total == 0 && !filter.is_empty() {
                            return view! {
                                <div class="empty-state">
                                    <h2>"No sub-account matches"</h2>
                                    <p>"Nobody on the team matches these filters."</p>
                                    <a href="/settings/sub-accounts" class="btn">"Show everyone"</a>
                                </div>
                            }.into_any();
                        }
                        if listed.total == 0 {
                            return view! {
                                <div class="empty-state">
                                    <h2>"No sub-accounts yet"</h2>
                                    <p>"Create a login for each person on your team, then choose what they may do under “Manage access”."</p>
                                    <A href="/settings/sub-accounts/new" attr:class="btn primary">"Create the first sub-account"</A>
                                </div>
                            }.into_any();
                        }
                        let (column, descending) = sort.get();
                        let pages = listed.pages();
                        let page_ids: Vec<i64> = listed.items.iter().map(|row| row.id).collect();
                        let header = |c: SubAccountSort| view! { <SortHeader column=c current=(column, descending) filter=filter.clone() /> };
                        let (first, last): (Vec<_>, Vec<_>) = (
                            SubAccountSort::ALL.into_iter().take(6).map(header).collect(),
                            SubAccountSort::ALL.into_iter().skip(6).map(header).collect(),
                        );
                        view! {
                            <Selection>
                            <BulkBar action=bulk page_ids />
                            <table class="data-table stacks">
                                <thead>
                                    <tr>
                                        <th scope="col" class="select"><SelectAllBox /></th>
                                        {first}
                                        <th scope="col">"Access"</th>
                                        {last}
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    // Keyed by id and state: a row moves with its open menu,
                                    // and one that changed is drawn afresh, closed.
                                    <For each=move || listed.items.clone() key=|row| (row.id, row.disabled) let:row>
                                        <SubAccountRow row set_enabled sign_out />
                                    </For>
                                </tbody>
                            </table>
                            </Selection>
                            <Pager page=listed.page pages total=listed.total sort=(column, descending) filter=filter.clone() />
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

/// What the last action did, as the server's redirect reports it.
#[component]
fn Notice() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(done) = q.get("bulk") {
            let count: i64 = q.get("count")?.parse().ok()?;
            let what = match count {
                1 => "1 sub-account".to_owned(),
                n => format!("{} sub-accounts", group_thousands(n)),
            };
            let sentence = match done.as_str() {
                "disabled" => format!("{what} disabled. Their open sessions have ended."),
                "enabled" => format!("{what} enabled."),
                "deleted" => format!("{what} deleted."),
                "preset" => format!("{what}: permissions set to exactly the preset’s."),
                _ => return None,
            };
            return Some(view! { <p role="status" class="status ok">{sentence}</p> }.into_any());
        }
        let notice = ListNotice::from_key(&q.get("done")?)?;
        // Only a well-formed login is echoed: the page never repeats free text from a link.
        let login = Login::parse(&q.get("login")?).ok()?.into_inner();
        let id = q.get("id").and_then(|id| id.parse::<i64>().ok());
        Some(
            view! {
                <p role="status" class="status ok">
                    <strong>{login}</strong>" "{notice.message()}
                    {(notice == ListNotice::Created).then(|| id.map(|id| view! {
                        " "<a href=format!("/settings/sub-accounts/{id}/access")>"Set access"</a>
                    }))}
                </p>
            }
            .into_any(),
        )
    }
}

/// The owner's setting: every sub-account sets up two-factor
/// authentication before anything else.
#[component]
fn TwoFactorRequirement() -> impl IntoView {
    let action = ServerAction::<RequireTwoFactorForSubs>::new();
    let required = Resource::new(|| (), |_| two_factor_required_for_subs());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                required.await.ok().map(|required| view! {
                    <ActionForm action attr:class="card setting-bar">
                        <FormError action />
                        <label class="checkbox" for="require-two-factor">
                            <input id="require-two-factor" type="checkbox" name="required" value="true" checked=required />
                            "Require two-factor authentication for sub-accounts"
                        </label>
                        <span class="help">"They set it up at their next login or page, before anything else."</span>
                        <SubmitButton label="Save setting" class="btn small" />
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}

/// The password just generated for a sub-account: this once.
#[component]
fn ShownOnce() -> impl IntoView {
    let generated = Resource::new(|| (), |_| take_generated_password());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                generated.await.ok().flatten().map(|generated| view! { <GeneratedPasswordCard generated /> })
            })}
        </Suspense>
    }
}

#[component]
fn GeneratedPasswordCard(generated: GeneratedPassword) -> impl IntoView {
    view! {
        <section class="card notice" aria-labelledby="generated-title">
            <h2 id="generated-title">{format!("Password for {}", generated.login)}</h2>
            <div class="field">
                <label for="generated-password">"Generated password"</label>
                <input id="generated-password" class="mono" type="text" readonly value=generated.password
                    aria-describedby="generated-password-help" />
                <p class="help" id="generated-password-help">"Copy it now and give it to them privately: it is shown only this once. They choose their own password when they first log in with it."</p>
            </div>
        </section>
    }
}

/// "7 of 15 · Sending, Analytics": a sub-account's access at a glance.
fn access_summary(row: &SubAccount) -> (String, String) {
    let granted = row.permissions();
    if granted.is_empty() {
        return ("No access".to_owned(), String::new());
    }
    let categories: Vec<&str> = Category::ALL
        .into_iter()
        .filter(|c| c.permissions().any(|p| granted.contains(p)))
        .map(Category::label)
        .collect();
    (
        format!("{} of {}", granted.len(), Permission::ALL.len()),
        categories.join(", "),
    )
}

/// What a sub-account sent for this month: "€12.30 of €200.00 this
/// month" against a cap, "€12.30 this month" without; nothing if neither.
fn spending(spent: i64, cap: Option<i64>) -> Option<String> {
    match cap {
        Some(cap) => Some(format!("{} of {} this month", Money(spent), Money(cap))),
        None if spent > 0 => Some(format!("{} this month", Money(spent))),
        None => None,
    }
}

fn list_href(
    column: SubAccountSort,
    descending: bool,
    page: i64,
    filter: &SubAccountFilter,
) -> String {
    let dir = if descending { "desc" } else { "asc" };
    let filters = if filter.is_empty() {
        String::new()
    } else {
        format!("&{}", filter.query())
    };
    format!(
        "/settings/sub-accounts?sort={}&dir={dir}&page={page}{filters}",
        column.key()
    )
}

/// Search and filters, a plain GET form, and the access review's export of
/// what they keep.
#[component]
fn FilterBar(filter: SubAccountFilter) -> impl IntoView {
    let status = filter.status_key();
    let permission = filter.permission_key();
    view! {
        <form method="get" class="card filter-bar" role="search" aria-label="Filter sub-accounts">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=filter.search.clone()
                    placeholder="Login, name or email" maxlength="100" />
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="">"All"</option>
                    <option value="active" selected=status == "active">"Active"</option>
                    <option value="disabled" selected=status == "disabled">"Disabled"</option>
                </select>
            </div>
            <div class="field">
                <label for="filter-permission">"Permission"</label>
                <select id="filter-permission" name="permission">
                    <option value="">"Any"</option>
                    {Permission::ALL.into_iter().map(|p| view! {
                        <option value=p.key() selected=p.key() == permission>{p.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="btn">"Filter"</button>
                <button type="submit" class="btn ghost" formaction="/export/access-review.csv">"Export access review"</button>
                {(!filter.is_empty()).then(|| view! { <a class="link-quiet" href="/settings/sub-accounts">"Clear"</a> })}
            </div>
        </form>
    }
}

#[component]
fn SortHeader(
    column: SubAccountSort,
    current: (SubAccountSort, bool),
    filter: SubAccountFilter,
) -> impl IntoView {
    let active = current.0 == column;
    let next_descending = active && !current.1;
    let aria_sort = active.then_some(if current.1 { "descending" } else { "ascending" });
    let arrow = if !active {
        "↕"
    } else if current.1 {
        "↓"
    } else {
        "↑"
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <a class="sort" href=list_href(column, next_descending, 1, &filter)>
                {column.title()}
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
fn Pager(
    page: i64,
    pages: i64,
    total: i64,
    sort: (SubAccountSort, bool),
    filter: SubAccountFilter,
) -> impl IntoView {
    (pages > 1).then(|| view! {
        <nav class="pager" aria-label="Pages">
            <span>{format!("Page {page} of {pages} · {} sub-accounts", group_thousands(total))}</span>
            {(page > 1).then(|| view! { <a class="btn small" href=list_href(sort.0, sort.1, page - 1, &filter)>"Previous"</a> })}
            {(page < pages).then(|| view! { <a class="btn small" href=list_href(sort.0, sort.1, page + 1, &filter)>"Next"</a> })}
        </nav>
    })
}

#[component]
fn SubAccountRow(
    row: SubAccount,
    set_enabled: ServerAction<SetSubAccountEnabled>,
    sign_out: ServerAction<SignOutSubAccount>,
) -> impl IntoView {
    let base = format!("/settings/sub-accounts/{}", row.id);
    let status = if row.disabled { "Disabled" } else { "Active" };
    let toggle_label = if row.disabled { "Enable" } else { "Disable" };
    let (count, categories) = access_summary(&row);
    view! {
        <tr class:disabled-row=row.disabled>
            <td class="select"><RowCheckbox id=row.id login=row.login.clone() /></td>
            <td class="mono" data-label="Login">
                {row.login.clone()}
                {row.two_factor.then(|| view! { <span class="badge ok small" title="Two-factor authentication on">"2FA"</span> })}
            </td>
            <td data-label="Name">{row.name}</td>
            <td class="mono" data-label="Phone">{row.phone}</td>
            // A very long address is cut short; the whole of it is its title.
            <td data-label="Email"><span class="clip" title=row.email.clone()>{row.email.clone()}</span></td>
            <td data-label="Company">{row.company.unwrap_or_default()}</td>
            <td data-label="Status"><span class="badge" class:ok=!row.disabled class:muted=row.disabled>{status}</span></td>
            <td class="access-glance" data-label="Access">
                <a href=format!("{base}/access")>{count}</a>
                <span class="muted small">{categories}</span>
                {spending(row.spent_this_month, row.monthly_cap).map(|spent| view! { <span class="small spent">{spent}</span> })}
            </td>
            <td data-label="Last login">{row.last_login_at.map(|t| short_time(&t)).unwrap_or_else(|| "Never".to_owned())}</td>
            <td class="actions">
                <details class="row-actions">
                    <summary role="button" class="btn icon" aria-label=format!("Actions for {}", row.login)>"+"</summary>
                    <div class="menu">
                        <a href=format!("{base}/access")>"Manage access"</a>
                        <a href=format!("{base}/edit")>"Edit"</a>
                        <a href=format!("{base}/password")>"Reset password"</a>
                        <ActionForm action=set_enabled>
                            <input type="hidden" name="id" value=row.id />
                            <input type="hidden" name="enabled" value=if row.disabled { "true" } else { "false" } />
                            <button type="submit">{toggle_label}</button>
                        </ActionForm>
                        <ActionForm action=sign_out>
                            <input type="hidden" name="id" value=row.id />
                            <button type="submit">"Sign out everywhere"</button>
                        </ActionForm>
                        {row.two_factor.then(|| {
                            let reset = ServerAction::<ResetSubAccountTwoFactor>::new();
                            view! {
                                <ActionForm action=reset>
                                    <input type="hidden" name="id" value=row.id />
                                    <button type="submit">"Reset two-factor"</button>
                                </ActionForm>
                            }
                        })}
                        <a class="danger" href=format!("{base}/delete")>"Delete"</a>
                    </div>
                </details>
            </td>
        </tr>
    }
}
