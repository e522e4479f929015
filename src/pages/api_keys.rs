//! Setting → API keys: the owner's keys for the HTTP API, each secret shown
//! once, at creation.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        api_keys::{list_api_keys, ApiKeyRow, CreateApiKey, CreatedKey, RevokeApiKey},
        webhooks::{list_webhooks, RedeliverWebhook, WebhookDelivery, WebhookEndpoint},
    },
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::Guarded,
        table::{short_time, time_heading},
    },
    domain::Access,
};

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API keys" />
        <Guarded access=Access::Owner>
            <ApiKeys />
        </Guarded>
    }
}

#[component]
fn ApiKeys() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let create_errors = form_errors(create);
    let query = use_query_map();
    let keys = Resource::new(|| (), |_| list_api_keys());
    let revoked = move || query.read().get("revoked").is_some();
    view! {
        <header class="page-header">
            <div>
                <h1>"API keys"</h1>
                <p class="lead">"Keys let your own systems send and track messages through the HTTP API. A key acts for the whole account, whatever its sub-accounts may do: keep it on your servers, never in a web page or an app."</p>
            </div>
            <a class="btn" href="/v1/openapi.json">"API reference (OpenAPI)"</a>
        </header>
        {move || revoked().then(|| view! {
            <p role="status" class="status ok">"The key is revoked: requests with it are refused from now on."</p>
        })}
        <section class="card form-card">
            <h2>"Create a key"</h2>
            <ActionForm action=create attr:class="inline-fields">
                <FormError action=create />
                <Field label="Name" name="name" errors=create_errors required=true
                    help="What uses the key, e.g. “Shop backend”." check=Check::KeyName />
                <SubmitButton label="Create key" />
            </ActionForm>
        </section>
        <FormError action=revoke />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                keys.await.map(|listed| view! {
                    // Hydrated, the action answers the key; without
                    // JavaScript the page finds it in the session. Once.
                    {create.value().get_untracked().and_then(Result::ok).or(listed.created).map(|created| view! { <NewKey created /> })}
                    <section class="card table-card has-menus" aria-labelledby="keys-title">
                        <div class="card-toolbar"><h2 id="keys-title">"Keys"</h2></div>
                        {if listed.keys.is_empty() {
                            view! { <p class="empty">"No keys yet. Create one for each system that calls the API, so you can revoke one without stopping the others."</p> }.into_any()
                        } else {
                            view! {
                                <table class="data-table stacks">
                                    <thead><tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Key"</th>
                                        <th scope="col">{time_heading("Created")}</th>
                                        <th scope="col">{time_heading("Last used")}</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {listed.keys.into_iter().map(|key| view! { <KeyRow key revoke /> }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                })
            })}
        </Transition>
        <Webhooks />
        <Usage />
    }
}

/// Where the account's events go, and how each delivery went.
#[component]
fn Webhooks() -> impl IntoView {
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let query = use_query_map();
    let endpoints = Resource::new(|| (), |_| list_webhooks());
    let redelivered = move || {
        query.read().get("redelivered").is_some() || matches!(redeliver.value().get(), Some(Ok(())))
    };
    view! {
        <section class="card" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">"Webhooks"</h2>
            <p>"Your endpoints get "<code>"message.delivered"</code>", "<code>"message.failed"</code>" and "<code>"inbound.received"</code>" events as signed POSTs (Standard Webhooks). Add and remove endpoints with "<code>"POST /v1/webhooks"</code>" and "<code>"DELETE /v1/webhooks/{id}"</code>"; a delivery not answered with a 2xx is retried for about a day."</p>
            {move || redelivered().then(|| view! {
                <p role="status" class="status ok">"The delivery is queued again: it is sent within seconds."</p>
            })}
            <FormError action=redeliver />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    endpoints.await.map(|endpoints| if endpoints.is_empty() {
                        view! { <p class="empty">"No webhook endpoints yet."</p> }.into_any()
                    } else {
                        endpoints.into_iter().map(|endpoint| view! { <Endpoint endpoint redeliver /> }).collect_view().into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Endpoint(endpoint: WebhookEndpoint, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    let title = format!("webhook-{}", endpoint.id);
    let labelled_by = title.clone();
    view! {
        <div class="webhook" role="group" aria-labelledby=labelled_by>
            <h3 id=title class="mono">{endpoint.url}</h3>
            <p class="help">{endpoint.events.join(", ")}" · since "{short_time(&endpoint.created_at)}</p>
            {if endpoint.deliveries.is_empty() {
                view! { <p class="empty">"No deliveries yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table stacks">
                        <thead><tr>
                            <th scope="col">"Event"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Attempts"</th>
                            <th scope="col">"Last answer"</th>
                            <th scope="col">{time_heading("Last attempt")}</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {endpoint.deliveries.into_iter().map(|delivery| view! { <DeliveryRow delivery redeliver /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn DeliveryRow(
    delivery: WebhookDelivery,
    redeliver: ServerAction<RedeliverWebhook>,
) -> impl IntoView {
    let status = match delivery.status.as_str() {
        "delivered" => "Delivered".to_owned(),
        "failed" => "Failed".to_owned(),
        _ if delivery.attempts == 0 => "Queued".to_owned(),
        _ => format!("Retrying at {}", short_time(&delivery.next_attempt_at)),
    };
    let last_attempt = delivery
        .last_attempt_at
        .as_deref()
        .map_or_else(|| "—".to_owned(), short_time);
    view! {
        <tr>
            <td class="mono" data-label="Event">{delivery.event_type.clone()}</td>
            <td data-label="Status">{status}</td>
            <td data-label="Attempts">{delivery.attempts}</td>
            <td data-label="Last answer">{delivery.last_answer()}</td>
            <td data-label="Last attempt">{last_attempt}</td>
            <td class="actions">
                <ActionForm action=redeliver>
                    <input type="hidden" name="id" value=delivery.id />
                    <button type="submit" class="btn">"Redeliver"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// How to call the API, ready to paste into a terminal (against the
/// portal `scripts/run` serves; change `PORTAL` for yours).
const EXAMPLES: [(&str, &str); 3] = [
    (
        "Who am I, and what is my balance?",
        "PORTAL=http://127.0.0.1:3000\nKEY=smsp_…   # a key from this page\n\ncurl -s \"$PORTAL/v1/account\" -H \"Authorization: Bearer $KEY\"",
    ),
    (
        "Send a text to two numbers, safe to retry",
        "curl -s \"$PORTAL/v1/messages\" -H \"Authorization: Bearer $KEY\" \\\n  -H 'Content-Type: application/json' -H 'Idempotency-Key: order-1042' \\\n  -d '{\"from\": \"INFO\", \"to\": [\"+447430900123\", \"+4915112345678\"], \"text\": \"Your order has shipped\", \"client_ref\": \"order-1042\"}'",
    ),
    (
        "Follow them",
        "curl -s \"$PORTAL/v1/messages?client_ref=order-1042\" -H \"Authorization: Bearer $KEY\"",
    ),
];

#[component]
fn Usage() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="usage-title">
            <h2 id="usage-title">"Using the API"</h2>
            <p>"Send the key in the "<code>"Authorization"</code>" header as "<code>"Bearer <key>"</code>" (or as the user name of HTTP Basic, with an empty password). Answers are JSON; errors are problem details with a stable "<code>"code"</code>". Every POST takes an "<code>"Idempotency-Key"</code>": a retry with the same key never sends or charges twice. A key may make 50 requests a second."</p>
            {EXAMPLES.into_iter().map(|(title, command)| view! {
                <h3 class="example-title">{title}</h3>
                <pre class="example" tabindex="0"><code>{command}</code></pre>
            }).collect_view()}
            <p>"Every endpoint, field and error: "<a href="/v1/openapi.json">"the OpenAPI document"</a>" (import it into Postman, Insomnia or a client generator)."</p>
        </section>
    }
}

/// The secret of the key just made, in a field to copy from: this once.
#[component]
fn NewKey(created: CreatedKey) -> impl IntoView {
    view! {
        <section class="card notice" aria-labelledby="new-key-title">
            <h2 id="new-key-title">{format!("Key “{}” created", created.name)}</h2>
            <div class="field">
                <label for="new-api-key">"New API key"</label>
                <input id="new-api-key" class="mono" type="text" readonly value=created.key aria-describedby="new-api-key-help" />
                <p class="help" id="new-api-key-help">"Copy it now: it is shown only this once, and we keep only a fingerprint of it. Lost keys cannot be recovered; revoke them and make a new one."</p>
            </div>
        </section>
    }
}

#[component]
fn KeyRow(key: ApiKeyRow, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let last_used = key
        .last_used_at
        .as_deref()
        .map_or_else(|| "Never".to_owned(), short_time);
    view! {
        <tr>
            <td data-label="Name">{key.name.clone()}</td>
            <td class="mono" data-label="Key">{format!("{}_…", key.prefix)}</td>
            <td data-label="Created">{short_time(&key.created_at)}</td>
            <td data-label="Last used">{last_used}</td>
            <td class="actions">
                <details class="row-actions">
                    <summary role="button" class="btn icon" aria-label=format!("Actions for {}", key.name)>"+"</summary>
                    <div class="menu confirm">
                        <p>"Requests with this key are refused at once. This cannot be undone."</p>
                        <ActionForm action=revoke>
                            <input type="hidden" name="id" value=key.id />
                            <button type="submit" class="danger">{format!("Revoke {}", key.name)}</button>
                        </ActionForm>
                    </div>
                </details>
            </td>
        </tr>
    }
}
