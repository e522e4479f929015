use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::finance::{
        finance_history, get_invoice, top_up_intent, top_up_receipt, InvoiceDocument, PayTopUp,
        TopUp,
    },
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::{set_status, Guarded},
        table::{query_string, short_time, time_heading, Pager, StatusBadge},
    },
    domain::{Access, Money, Permission},
    pages::analytics::RangeForm,
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
    let param = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    let (from, to) = (param("from"), param("to"));
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let overview = Resource::new(
        move || (from(), to(), page()),
        |(from, to, page)| finance_history(from, to, page),
    );
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
                    let range = query_string(&[("from", &from()), ("to", &to())]);
                    let export = format!("/export/transactions.csv?{range}");
                    view! {
                        <div class="kpis">
                            <div class="kpi card"><p class="kpi-label">"Balance"</p><p class="kpi-value">{overview.balance.display()}</p></div>
                        </div>
                        <section class="card">
                            <RangeForm from=from() to=to() />
                            <p class="help">"Leave both dates empty for every transaction."</p>
                        </section>
                        <section class="card table-card" aria-labelledby="tx-title">
                            <div class="card-toolbar">
                                <h2 id="tx-title">"Transactions"</h2>
                                <a class="btn" href=export download>"Export"</a>
                            </div>
                            {if transactions.items.is_empty() {
                                view! { <p class="empty">"No transactions in this period."</p> }.into_any()
                            } else {
                                view! {
                            <table class="data-table stacks">
                                <thead><tr>
                                    <th scope="col">{time_heading("Time")}</th>
                                    <th scope="col">"Type"</th>
                                    <th scope="col">"Description"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                    <th scope="col" class="num">"Balance"</th>
                                    <th scope="col">"By"</th>
                                </tr></thead>
                                <tbody>
                                    {transactions.items.into_iter().map(|t| view! {
                                        <tr>
                                            <td data-label="Time">{short_time(&t.created_at)}</td>
                                            <td data-label="Type"><StatusBadge status=t.kind /></td>
                                            <td data-label="Description">{t.description}</td>
                                            <td class="num" data-label="Amount">{Money(t.amount).display()}</td>
                                            <td class="num" data-label="Balance">{Money(t.balance_after).display()}</td>
                                            <td data-label="By">{t.by_login.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                                }.into_any()
                            }}
                            <Pager page=number pages total query=range noun="transactions" />
                        </section>
                        <section class="card table-card" aria-labelledby="invoice-title">
                            <h2 id="invoice-title" class="card-title">"Invoices"</h2>
                            {if overview.invoices.is_empty() {
                                view! { <p class="empty">"No invoices yet: the first is issued after your first month of sending."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table stacks">
                                        <thead><tr>
                                            <th scope="col">"Invoice"</th>
                                            <th scope="col">"Period"</th>
                                            <th scope="col" class="num">"Amount"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Issued"</th>
                                            <th scope="col"><span class="visually-hidden">"Document"</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {overview.invoices.into_iter().map(|i| {
                                                let href = format!("/finance/invoices/{}", i.number);
                                                let label = format!("Open invoice {}", i.number);
                                                view! {
                                                    <tr>
                                                        <td class="mono" data-label="Invoice">{i.number}</td>
                                                        <td data-label="Period">{i.period}</td>
                                                        <td class="num" data-label="Amount">{Money(i.amount).display()}</td>
                                                        <td data-label="Status"><StatusBadge status=i.status /></td>
                                                        <td data-label="Issued">{short_time(&i.issued_at)}</td>
                                                        <td class="actions"><a class="btn small" href=href aria-label=label>"Open"</a></td>
                                                    </tr>
                                                }
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
        {move || match query.read().get("confirm").and_then(|id| id.parse::<i64>().ok()) {
            Some(intent) => view! { <ConfirmPayment intent /> }.into_any(),
            None => view! {
                <section class="card form-card">
                    <ActionForm action>
                        <FormError action />
                        <Field label="Amount (EUR)" name="amount" kind="text" errors required=true help=TOP_UP_HELP
                            check=Check::Euros />
                        <div class="form-actions">
                            <SubmitButton label="Continue" />
                        </div>
                    </ActionForm>
                </section>
            }.into_any(),
        }}
    }
}

/// The second step: the amount as the server kept it, paid only on "Pay".
#[component]
fn ConfirmPayment(intent: i64) -> impl IntoView {
    let pay = ServerAction::<PayTopUp>::new();
    let amount = Resource::new(move || intent, top_up_intent);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match amount.await {
                    Ok(amount) => {
                        let label = format!("Pay {}", amount.display());
                        view! {
                            <section class="card form-card" aria-labelledby="confirm-title">
                                <h2 id="confirm-title">{format!("Pay {}?", amount.display())}</h2>
                                <p class="help">"The balance grows by this amount once the card payment goes through."</p>
                                <ActionForm action=pay>
                                    <FormError action=pay />
                                    <input type="hidden" name="intent" value=intent />
                                    <div class="form-actions">
                                        <button type="submit" class="btn primary">
                                            <span class="spinner" aria-hidden="true"></span>
                                            {label}
                                        </button>
                                        <a class="btn ghost" href="/finance/top-up">"Change amount"</a>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                    Err(_) => view! {
                        <section class="card notice">
                            <p class="form-error" role="alert">"This payment was made already or has expired."</p>
                            <p><a href="/finance/top-up">"Start a new top-up"</a></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    view! {
        <Title text="Invoice" />
        <Guarded access=Access::Permission(Permission::SeeFinance)>
            <InvoiceLoader />
        </Guarded>
    }
}

#[component]
fn InvoiceLoader() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let invoice = Resource::new(number, get_invoice);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match invoice.await {
                    Ok(document) => view! { <InvoiceView document /> }.into_any(),
                    Err(error) => {
                        set_status(error.status());
                        view! {
                            <section class="card notice">
                                <h1>"Invoice not found"</h1>
                                <p><a href="/finance">"Back to Finance"</a></p>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The invoice as a document: on screen in a card, on paper alone (the
/// print style hides the portal around it).
#[component]
fn InvoiceView(document: InvoiceDocument) -> impl IntoView {
    let InvoiceDocument {
        invoice,
        account,
        company,
        lines,
    } = document;
    view! {
        <div class="page-header no-print">
            <p class="breadcrumb"><a href="/finance">"Finance"</a>" /"</p>
            <p class="help">"Print this page, or save it as PDF from the print dialog, to keep the invoice."</p>
        </div>
        <article class="card invoice" aria-labelledby="invoice-title">
            <header class="invoice-head">
                <div>
                    <p class="brand-line">"SMS Portal"</p>
                    <h1 id="invoice-title">{format!("Invoice {}", invoice.number)}</h1>
                </div>
                <dl class="invoice-facts">
                    <div><dt>"Billed to"</dt><dd>{company.filter(|c| !c.is_empty()).unwrap_or_else(|| account.clone())}</dd></div>
                    <div><dt>"Period"</dt><dd>{invoice.period.clone()}</dd></div>
                    <div><dt>"Issued"</dt><dd>{short_time(&invoice.issued_at)}</dd></div>
                    <div><dt>"Status"</dt><dd><StatusBadge status=invoice.status.clone() /></dd></div>
                </dl>
            </header>
            <table class="data-table">
                <thead><tr>
                    <th scope="col">{time_heading("Date")}</th>
                    <th scope="col">"Description"</th>
                    <th scope="col" class="num">"Amount"</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|line| view! {
                        <tr>
                            <td>{short_time(&line.created_at)}</td>
                            <td>{line.description}</td>
                            <td class="num">{Money(line.amount).display()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr>
                    <th scope="row" colspan="2">"Total"</th>
                    <td class="num"><strong>{Money(invoice.amount).display()}</strong></td>
                </tr></tfoot>
            </table>
        </article>
    }
}
