use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::finance::{finance_history, top_up_receipt, TopUp},
    components::{
        form::{form_errors, Field, FormError, SubmitButton},
        guard::Guarded,
        table::{short_time, Pager, StatusBadge},
    },
    domain::{Access, Money, Permission},
};

#[component]
pub fn FinancePage() -> impl IntoView {
    view! {
        <Title text="Finance" />
        <Guarded access=Access::Permission(Permission::SeeFinance)>
            <History />
        </Guarded>
    }
}

#[component]
fn History() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let overview = Resource::new(page, finance_history);
    view! {
        <header class="page-header">
            <div>
                <h1>"Finance"</h1>
                <p class="lead">"Your balance, every movement on it, and your monthly invoices."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                overview.await.map(|overview| {
                    let transactions = overview.transactions;
                    let (number, pages, total) = (transactions.page, transactions.pages(), transactions.total);
                    view! {
                        <div class="kpis">
                            <div class="kpi card"><p class="kpi-label">"Balance"</p><p class="kpi-value">{overview.balance.display()}</p></div>
                        </div>
                        <section class="card table-card" aria-labelledby="tx-title">
                            <h2 id="tx-title" class="card-title">"Transactions"</h2>
                            <table class="data-table">
                                <thead><tr>
                                    <th scope="col">"Time (UTC)"</th>
                                    <th scope="col">"Type"</th>
                                    <th scope="col">"Description"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                    <th scope="col" class="num">"Balance"</th>
                                    <th scope="col">"By"</th>
                                </tr></thead>
                                <tbody>
                                    {transactions.items.into_iter().map(|t| view! {
                                        <tr>
                                            <td>{short_time(&t.created_at)}</td>
                                            <td><StatusBadge status=t.kind /></td>
                                            <td>{t.description}</td>
                                            <td class="num">{Money(t.amount).display()}</td>
                                            <td class="num">{Money(t.balance_after).display()}</td>
                                            <td>{t.by_login.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager page=number pages total query="" noun="transactions" />
                        </section>
                        <section class="card table-card" aria-labelledby="invoice-title">
                            <h2 id="invoice-title" class="card-title">"Invoices"</h2>
                            {if overview.invoices.is_empty() {
                                view! { <p class="empty">"No invoices yet: the first is issued after your first month of sending."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table">
                                        <thead><tr>
                                            <th scope="col">"Invoice"</th>
                                            <th scope="col">"Period"</th>
                                            <th scope="col" class="num">"Amount"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Issued"</th>
                                        </tr></thead>
                                        <tbody>
                                            {overview.invoices.into_iter().map(|i| view! {
                                                <tr>
                                                    <td class="mono">{i.number}</td>
                                                    <td>{i.period}</td>
                                                    <td class="num">{Money(i.amount).display()}</td>
                                                    <td><StatusBadge status=i.status /></td>
                                                    <td>{short_time(&i.issued_at)}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

/// Mirrors `MIN_TOP_UP` and `MAX_TOP_UP`, which the server enforces.
const TOP_UP_HELP: &str =
    "Between €10.00 and €10,000.00. The payment is simulated: no card is charged.";

#[component]
pub fn TopUpPage() -> impl IntoView {
    view! {
        <Title text="Top up" />
        <Guarded access=Access::Permission(Permission::TopUp)>
            <TopUpForm />
        </Guarded>
    }
}

#[component]
fn TopUpForm() -> impl IntoView {
    let action = ServerAction::<TopUp>::new();
    let errors = form_errors(action);
    let query = use_query_map();
    let receipt_id = move || {
        query
            .read()
            .get("receipt")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let receipt = Resource::new(receipt_id, |id| async move {
        match id {
            Some(id) => top_up_receipt(id).await.ok(),
            None => None,
        }
    });
    view! {
        <header class="page-header">
            <div>
                <h1>"Top up"</h1>
                <p class="lead">"Add credit to the account balance. Campaigns are paid from it."</p>
            </div>
        </header>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                receipt.await.map(|r| view! {
                    <p role="status" class="status ok">{format!("Payment received: {} added to the balance ({})", Money(r.amount).display(), short_time(&r.created_at))}</p>
                })
            })}
        </Transition>
        <section class="card form-card">
            <ActionForm action>
                <FormError action />
                <Field label="Amount (EUR)" name="amount" kind="text" errors required=true help=TOP_UP_HELP
                    check=|v| Money::parse_euros(v).map(|_| ()) />
                <div class="form-actions">
                    <SubmitButton label="Pay by card" pending=action.pending() />
                </div>
            </ActionForm>
        </section>
    }
}
