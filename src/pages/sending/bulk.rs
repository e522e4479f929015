use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        sending::{
            compose_options, get_review, list_campaigns, CampaignReview, CampaignRow,
            ComposeChoices, Draft, Estimate, ReviewCampaign, SendCampaign,
        },
        AppError,
    },
    components::{
        form::{FormError, SubmitButton},
        guard::Guarded,
        refreshing::Refreshing,
        table::{short_time, time_heading, Pager, StatusBadge},
    },
    domain::{group_thousands, Access, Money, Permission, Segments},
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

/// A query parameter holding an id.
fn id_param(name: &'static str) -> impl Fn() -> Option<i64> + Copy {
    let query = use_query_map();
    move || query.read().get(name).and_then(|id| id.parse().ok())
}

#[component]
fn BulkSms() -> impl IntoView {
    let review_id = id_param("review");
    let sent = id_param("sent");
    let review_action = ServerAction::<ReviewCampaign>::new();
    let send = ServerAction::<SendCampaign>::new();
    let review = Resource::new(review_id, |id| async move {
        match id {
            Some(id) => get_review(id).await.map(Some),
            None => Ok(None),
        }
    });
    let options = Resource::new(|| (), |_| compose_options());
    view! {
        <header class="page-header">
            <div>
                <h1>"Bulk SMS"</h1>
                <p class="lead">"Compose a campaign, review recipients and cost, then send. You are charged per part; undelivered parts are refunded."</p>
            </div>
        </header>
        {move || sent().map(|id| view! {
            <p role="status" class="status ok">
                {format!("Campaign #{id} is on its way. ")}
                <a href=format!("#campaign-{id}")>"Follow its delivery below."</a>
            </p>
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                // One boundary for both: the form is drawn whole or not at all.
                match (review.await, options.await) {
                    (Ok(review), Ok(options)) => {
                        // Drawn afresh for every review and after every send,
                        // so the fields and their counter always agree.
                        let draft = review.as_ref().map(|r| r.draft.clone()).unwrap_or_default();
                        view! {
                            {options.cap.map(|cap| view! {
                                <p class="status info spending-cap">
                                    {format!("Your monthly spending cap: {} of {} spent this month.", cap.spent, cap.cap)}
                                </p>
                            })}
                            <Workspace>
                                <ComposeForm draft options action=review_action />
                                {review.map(|review| view! { <ReviewPanel review send /> })}
                            </Workspace>
                        }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! {
                        <section class="card notice">
                            <p class="form-error" role="alert">{format!("{error} This review cannot be shown.")}</p>
                            <p><a href="/sending/bulk">"Compose a new campaign"</a></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        <Campaigns highlight=sent() />
    }
}

/// Whether the campaign was changed since its review, shared by the islands
/// of the page: the review is then withdrawn until it is made again.
#[derive(Clone, Copy)]
struct Edited(RwSignal<bool>);

fn edited() -> RwSignal<bool> {
    expect_context::<Edited>().0
}

/// The composer and the review, an island around them: any change to a
/// field of the composer withdraws the review.
#[island]
fn Workspace(children: Children) -> impl IntoView {
    let edited = RwSignal::new(false);
    provide_context(Edited(edited));
    view! {
        <div class="two-columns" on:input=move |_| edited.set(true) on:change=move |_| edited.set(true)>
            {children()}
        </div>
    }
}

#[component]
fn ComposeForm(
    draft: Draft,
    options: ComposeChoices,
    action: ServerAction<ReviewCampaign>,
) -> impl IntoView {
    let Draft {
        sender,
        list_id,
        numbers,
        text,
    } = draft;
    view! {
        <section class="card" aria-labelledby="compose-title">
            <h2 id="compose-title">"Compose"</h2>
            <ActionForm action>
                <FormError action />
                <div class="field">
                    <label for="sender">"Sender name"</label>
                    <select id="sender" name="sender" required>
                        {options.senders.into_iter().map(|name| {
                            let selected = name == sender;
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
                            let selected = list.id.to_string() == list_id;
                            view! { <option value=list.id selected=selected>{format!("{} ({} contacts)", list.name, group_thousands(list.contacts))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="numbers">"Phone numbers"</label>
                    <textarea id="numbers" name="numbers" rows="4" placeholder="+44 7430 900123">{numbers}</textarea>
                    <p class="help">"One per line, in international format, up to 50,000. Duplicates and invalid numbers are reported before sending."</p>
                </div>
                <MessageField text />
                <div class="form-actions">
                    <ReviewButton />
                </div>
            </ActionForm>
        </section>
    }
}

/// The message and its counter of characters and parts.
#[component]
fn MessageField(text: String) -> impl IntoView {
    let counter = part_count(&text);
    view! {
        <PartCounter>
            <div class="field">
                <label for="text">"Message"</label>
                <textarea id="text" name="text" rows="5" required>{text}</textarea>
                <p class="help counter" aria-live="polite">{counter}</p>
            </div>
        </PartCounter>
    }
}

/// "160 characters · GSM-7 · 1 part · 0 left in this part".
fn part_count(text: &str) -> String {
    let s = Segments::of(text);
    format!(
        "{} characters · {} · {} part{} · {} left in this part",
        text.chars().count(),
        s.encoding.label(),
        s.parts,
        if s.parts == 1 { "" } else { "s" },
        s.remaining()
    )
}

/// Keeps the counter beside the message true as the user types, an island
/// around the field the server rendered.
#[island]
fn PartCounter(children: Children) -> impl IntoView {
    let field = NodeRef::<leptos::html::Div>::new();
    let on_input = move |event: leptos::ev::Event| {
        let counter = field
            .get_untracked()
            .and_then(|field| field.query_selector(".counter").ok().flatten());
        if let Some(counter) = counter {
            counter.set_text_content(Some(&part_count(&event_target_value(&event))));
        }
    };
    view! { <div class="part-counter" node_ref=field on:input=on_input>{children()}</div> }
}

/// "Review", or "Review again" once a reviewed campaign was changed.
#[island]
fn ReviewButton() -> impl IntoView {
    let edited = edited();
    // Whether a review is on screen, as the server rendered the page.
    #[cfg(feature = "hydrate")]
    let reviewed = document().get_element_by_id("review").is_some();
    #[cfg(not(feature = "hydrate"))]
    let reviewed = false;
    let label = move || {
        if reviewed && edited.get() {
            "Review again"
        } else {
            "Review"
        }
    };
    view! {
        <button type="submit" class="btn primary">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </button>
    }
}

#[component]
fn ReviewPanel(review: CampaignReview, send: ServerAction<SendCampaign>) -> impl IntoView {
    let CampaignReview {
        id,
        draft,
        estimate,
    } = review;
    view! {
        <section class="card" id="review" aria-labelledby="review-title">
            <h2 id="review-title">"Review"</h2>
            <Withdrawable>
                {match estimate {
                    Ok(estimate) => view! { <EstimateView estimate review=id text=draft.text send /> }.into_any(),
                    Err(AppError::Invalid(errors)) => view! {
                        <ul class="problems" role="alert">
                            {errors.fields.into_iter().map(|(_, message)| view! { <li>{message}</li> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }}
            </Withdrawable>
        </section>
    }
}

/// The review's figures, greyed out and preceded by a notice once the
/// campaign was changed after its review.
#[island]
fn Withdrawable(children: Children) -> impl IntoView {
    let edited = edited();
    view! {
        {move || edited.get().then(|| view! {
            <p class="notice-box" role="status">"You changed the campaign. Review it again to see its recipients and cost before sending."</p>
        })}
        <div class:withdrawn=move || edited.get()>{children()}</div>
    }
}

/// "Send campaign", gone once the campaign was changed after its review:
/// what is sent is always what was reviewed.
#[island]
fn SendButton() -> impl IntoView {
    let edited = edited();
    view! {
        <Show when=move || !edited.get()>
            <SubmitButton label="Send campaign" />
        </Show>
    }
}

#[component]
fn EstimateView(
    estimate: Estimate,
    review: i64,
    text: String,
    send: ServerAction<SendCampaign>,
) -> impl IntoView {
    // Unknown (`None`) to viewers who may not see the balance: the send decides.
    let enough = estimate.enough_balance != Some(false);
    let recipients = estimate.recipients;
    view! {
        <dl class="facts">
            <div><dt>"Recipients"</dt><dd>{group_thousands(recipients)}</dd></div>
            <div><dt>"Parts per message"</dt><dd>{estimate.segments.parts}" · "{estimate.segments.encoding.label()}</dd></div>
            <div><dt>"Estimated cost"</dt><dd class="money">{estimate.cost.display()}</dd></div>
            <div><dt>"Duplicates removed"</dt><dd>{group_thousands(estimate.duplicates)}</dd></div>
            <div><dt>"On your stop-list"</dt><dd>{group_thousands(estimate.stop_listed)}</dd></div>
            <div><dt>"No route"</dt><dd>{group_thousands(estimate.no_route)}</dd></div>
        </dl>
        <blockquote class="reviewed-text">{text}</blockquote>
        {(!estimate.stopped_numbers.is_empty()).then(|| {
            let more = estimate.stop_listed - estimate.stopped_numbers.len() as i64;
            view! {
                <div class="notice-box">
                    <p><strong>{format!("{} number(s) on your stop-list will not be sent to:", group_thousands(estimate.stop_listed))}</strong></p>
                    <p class="mono small">
                        {estimate.stopped_numbers.join(", ")}
                        {(more > 0).then(|| format!(" and {} more", group_thousands(more)))}
                    </p>
                    <p class="small"><a href="/blocked/stop-list">"See the stop-list"</a></p>
                </div>
            }
        })}
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
            <input type="hidden" name="review" value=review />
            // What is on screen: the server refuses if sending would differ.
            <input type="hidden" name="recipients" value=recipients />
            <input type="hidden" name="cost" value=estimate.cost.0 />
            <FormError action=send />
            <div class="form-actions">
                {(enough && recipients > 0).then(|| view! { <SendButton /> })}
                <a class="btn ghost" href="/sending/bulk">"Start over"</a>
            </div>
        </ActionForm>
    }
}

#[component]
fn Campaigns(highlight: Option<i64>) -> impl IntoView {
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let campaigns = Resource::new(page, list_campaigns);
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
                        let sending = page.items.iter().any(|c| c.status == "sending");
                        view! {
                            <Refreshing>
                            <div id="campaign-list" data-busy=sending.then_some("true")>
                            <table class="data-table stacks compact">
                                <thead><tr>
                                    <th scope="col">{time_heading("Sent")}</th>
                                    <th scope="col">"Message"</th>
                                    <th scope="col" class="num">"Recipients"</th>
                                    <th scope="col">"Delivery"</th>
                                    <th scope="col" class="num">"Cost"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"By"</th>
                                </tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|c| {
                                        let highlighted = Some(c.id) == highlight;
                                        view! { <CampaignLine campaign=c highlighted /> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager page=number pages total query="" noun="campaigns" />
                            </div>
                            </Refreshing>
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CampaignLine(campaign: CampaignRow, highlighted: bool) -> impl IntoView {
    let in_flight = campaign.queued + campaign.sent;
    let label = if campaign.status == "completed" {
        "delivered"
    } else {
        "sending"
    };
    let withheld = campaign.text.is_none();
    let text = campaign.text.unwrap_or_else(|| "Text hidden".to_owned());
    let title = text.clone();
    // "184 ✓ / 16 ✗" keeps the column narrow; the words are its accessible name.
    let mut spoken = format!(
        "{} delivered, {} failed",
        campaign.delivered, campaign.failed
    );
    if in_flight > 0 {
        spoken.push_str(&format!(", {in_flight} in flight"));
    }
    if campaign.blocked > 0 {
        spoken.push_str(&format!(", {} blocked", campaign.blocked));
    }
    view! {
        <tr id=format!("campaign-{}", campaign.id) class:highlight=highlighted>
            <td class="nowrap" data-label="Sent">{short_time(&campaign.created_at)}</td>
            <td class="truncate" data-label="Message" class:muted=withheld title=title>
                <span class="sender-tag">{campaign.sender}</span>
                {text}
            </td>
            <td class="num" data-label="Recipients">{group_thousands(campaign.recipients)}</td>
            <td class="progress-cell nowrap" data-label="Delivery" aria-label=spoken.clone() title=spoken>
                <span class="ok-text">{format!("{} ✓", group_thousands(campaign.delivered))}</span>
                " / "
                <span class:bad-text=campaign.failed != 0>{format!("{} ✗", group_thousands(campaign.failed))}</span>
                {(in_flight > 0).then(|| view! { <span class="muted">{format!(" · {} …", group_thousands(in_flight))}</span> })}
            </td>
            <td class="num nowrap" data-label="Cost">{Money(campaign.cost).display()}</td>
            <td data-label="Status"><StatusBadge status=label /></td>
            <td class="nowrap" data-label="By">{campaign.sent_by.unwrap_or_default()}</td>
        </tr>
    }
}
