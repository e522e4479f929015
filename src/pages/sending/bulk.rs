use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        sending::{
            compose_options, estimate_campaign, list_campaigns, CampaignRow, Estimate, SendCampaign,
        },
        AppError,
    },
    components::{
        form::{FormError, SubmitButton},
        guard::Guarded,
        table::{short_time, Pager, StatusBadge},
    },
    domain::{Access, Money, Permission, Segments},
};

#[component]
pub fn BulkSmsPage() -> impl IntoView {
    view! {
        <Title text="Bulk SMS" />
        <Guarded access=Access::Permission(Permission::SendBulk)>
            <BulkSms />
        </Guarded>
    }
}

/// The compose form as the query string holds it (a GET form, so the review
/// step works with and without wasm).
#[derive(Clone, Debug, PartialEq, Default)]
struct Draft {
    sender: String,
    list_id: String,
    numbers: String,
    text: String,
}

impl Draft {
    fn is_empty(&self) -> bool {
        self.numbers.trim().is_empty() && self.list_id.is_empty() && self.text.is_empty()
    }
}

#[component]
fn BulkSms() -> impl IntoView {
    let query = use_query_map();
    let draft = Memo::new(move |_| {
        let q = query.read();
        Draft {
            sender: q.get("sender").unwrap_or_default(),
            list_id: q.get("list_id").unwrap_or_default(),
            numbers: q.get("numbers").unwrap_or_default(),
            text: q.get("text").unwrap_or_default(),
        }
    });
    let sent = move || query.read().get("sent");
    let send = ServerAction::<SendCampaign>::new();
    view! {
        <header class="page-header">
            <div>
                <h1>"Bulk SMS"</h1>
                <p class="lead">"Compose a campaign, review recipients and cost, then send. You are charged per part; undelivered parts are refunded."</p>
            </div>
        </header>
        {move || sent().map(|id| view! {
            <p role="status" class="status ok">{format!("Campaign #{id} is on its way. Follow its delivery below.")}</p>
        })}
        <div class="two-columns">
            <ComposeForm draft />
            {move || (!draft.get().is_empty()).then(|| view! { <Review draft=draft.get() send /> })}
        </div>
        <Campaigns refresh=send.version() />
    }
}

#[component]
fn ComposeForm(draft: Memo<Draft>) -> impl IntoView {
    let options = Resource::new(|| (), |_| compose_options());
    let initial = draft.get_untracked();
    let (numbers, message) = (initial.numbers.clone(), initial.text.clone());
    let text = RwSignal::new(initial.text.clone());
    let segments = move || Segments::of(&text.get());
    view! {
        <section class="card" aria-labelledby="compose-title">
            <h2 id="compose-title">"Compose"</h2>
            <form method="get" action="/sending/bulk">
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || {
                        let initial = initial.clone();
                        Suspend::new(async move {
                            options.await.map(|options| view! {
                                <div class="field">
                                    <label for="sender">"Sender name"</label>
                                    <select id="sender" name="sender" required>
                                        {options.senders.into_iter().map(|name| {
                                            let selected = name == initial.sender;
                                            let value = name.clone();
                                            view! { <option value=value selected=selected>{name}</option> }
                                        }).collect_view()}
                                    </select>
                                    <p class="help">"Only approved names are offered. See Sender names."</p>
                                </div>
                                <div class="field">
                                    <label for="list_id">"Contact list"</label>
                                    <select id="list_id" name="list_id">
                                        <option value="">"No list: only the numbers below"</option>
                                        {options.lists.into_iter().map(|list| {
                                            let selected = list.id.to_string() == initial.list_id;
                                            view! { <option value=list.id selected=selected>{format!("{} ({} contacts)", list.name, list.contacts)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            })
                        })
                    }}
                </Transition>
                <div class="field">
                    <label for="numbers">"Phone numbers"</label>
                    <textarea id="numbers" name="numbers" rows="4" placeholder="+44 7700 900123">{numbers}</textarea>
                    <p class="help">"One per line, in international format. Duplicates and invalid numbers are reported before sending."</p>
                </div>
                <div class="field">
                    <label for="text">"Message"</label>
                    <textarea id="text" name="text" rows="5" required on:input=move |ev| text.set(event_target_value(&ev))>{message}</textarea>
                    <p class="help counter" aria-live="polite">
                        {move || {
                            let s = segments();
                            format!("{} characters · {} · {} part{} · {} left in this part",
                                text.get().chars().count(), s.encoding.label(), s.parts, if s.parts == 1 { "" } else { "s" }, s.remaining())
                        }}
                    </p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn primary">"Review"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn Review(draft: Draft, send: ServerAction<SendCampaign>) -> impl IntoView {
    let request = draft.clone();
    let estimate = Resource::new(
        move || request.clone(),
        |d| estimate_campaign(d.sender, d.list_id, d.numbers, d.text),
    );
    view! {
        <section class="card" aria-labelledby="review-title">
            <h2 id="review-title">"Review"</h2>
            <Transition fallback=|| view! { <p class="loading">"Working out recipients and cost…"</p> }>
                {move || {
                    let draft = draft.clone();
                    Suspend::new(async move {
                        match estimate.await {
                            Ok(estimate) => view! { <EstimateView estimate draft send /> }.into_any(),
                            Err(AppError::Invalid(errors)) => view! {
                                <ul class="problems" role="alert">
                                    {errors.fields.into_iter().map(|(_, message)| view! { <li>{message}</li> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn EstimateView(
    estimate: Estimate,
    draft: Draft,
    send: ServerAction<SendCampaign>,
) -> impl IntoView {
    let enough = estimate.enough_balance;
    let recipients = estimate.recipients;
    view! {
        <dl class="facts">
            <div><dt>"Recipients"</dt><dd>{recipients}</dd></div>
            <div><dt>"Parts per message"</dt><dd>{estimate.segments.parts}" · "{estimate.segments.encoding.label()}</dd></div>
            <div><dt>"Estimated cost"</dt><dd class="money">{estimate.cost.display()}</dd></div>
            <div><dt>"Duplicates removed"</dt><dd>{estimate.duplicates}</dd></div>
            <div><dt>"On your stop-list"</dt><dd>{estimate.stop_listed}</dd></div>
            <div><dt>"No route"</dt><dd>{estimate.no_route}</dd></div>
        </dl>
        {(!estimate.invalid.is_empty()).then(|| view! {
            <div class="notice-box">
                <p><strong>{format!("{} invalid number(s) will be skipped:", estimate.invalid.len())}</strong></p>
                <p class="mono small">{estimate.invalid.join(", ")}</p>
            </div>
        })}
        {(!enough).then(|| view! {
            <p class="form-error" role="alert">"Your balance does not cover this campaign. Top up first."</p>
        })}
        <ActionForm action=send>
            <input type="hidden" name="sender" value=draft.sender />
            <input type="hidden" name="list_id" value=draft.list_id />
            <input type="hidden" name="numbers" value=draft.numbers />
            <input type="hidden" name="text" value=draft.text />
            <FormError action=send />
            <div class="form-actions">
                {(enough && recipients > 0).then(|| view! { <SubmitButton label="Send campaign" pending=send.pending() /> })}
                <a class="btn ghost" href="/sending/bulk">"Start over"</a>
            </div>
        </ActionForm>
    }
}

#[component]
fn Campaigns(refresh: RwSignal<usize>) -> impl IntoView {
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let tick = RwSignal::new(0u32);
    let campaigns = Resource::new(
        move || (refresh.get(), tick.get(), page()),
        |(_, _, page)| list_campaigns(page),
    );
    // While a campaign is sending, follow its progress every two seconds.
    #[cfg(feature = "hydrate")]
    {
        use leptos::leptos_dom::helpers::set_interval_with_handle;
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let sending = campaigns
                    .get_untracked()
                    .and_then(Result::ok)
                    .is_some_and(|p| p.items.iter().any(|c| c.status == "sending"));
                if sending {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <section class="card table-card" aria-labelledby="campaigns-title">
            <h2 id="campaigns-title" class="card-title">"Campaigns"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading campaigns…"</p> }>
                {move || Suspend::new(async move {
                    campaigns.await.map(|page| {
                        if page.items.is_empty() {
                            return view! { <p class="empty">"No campaigns yet. Compose your first one above."</p> }.into_any();
                        }
                        let (number, pages, total) = (page.page, page.pages(), page.total);
                        view! {
                            <table class="data-table">
                                <thead><tr>
                                    <th scope="col">"Sent"</th>
                                    <th scope="col">"Sender"</th>
                                    <th scope="col">"Message"</th>
                                    <th scope="col" class="num">"Recipients"</th>
                                    <th scope="col">"Delivery"</th>
                                    <th scope="col" class="num">"Cost"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"By"</th>
                                </tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|c| view! { <CampaignLine campaign=c /> }).collect_view()}
                                </tbody>
                            </table>
                            <Pager page=number pages total query="" noun="campaigns" />
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CampaignLine(campaign: CampaignRow) -> impl IntoView {
    let in_flight = campaign.queued + campaign.sent;
    let label = if campaign.status == "completed" {
        "delivered"
    } else {
        "sending"
    };
    let title = campaign.text.clone();
    view! {
        <tr>
            <td>{short_time(&campaign.created_at)}</td>
            <td class="mono">{campaign.sender}</td>
            <td class="truncate" title=title>{campaign.text}</td>
            <td class="num">{campaign.recipients}</td>
            <td class="progress-cell">
                <span class="ok-text">{format!("{} delivered", campaign.delivered)}</span>
                {(campaign.failed > 0).then(|| view! { <span class="bad-text">{format!(" · {} failed", campaign.failed)}</span> })}
                {(in_flight > 0).then(|| view! { <span class="muted">{format!(" · {in_flight} in flight")}</span> })}
                {(campaign.blocked > 0).then(|| view! { <span class="muted">{format!(" · {} blocked", campaign.blocked)}</span> })}
            </td>
            <td class="num">{Money(campaign.cost).display()}</td>
            <td><StatusBadge status=label /></td>
            <td>{campaign.sent_by.unwrap_or_default()}</td>
        </tr>
    }
}
