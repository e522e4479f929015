//! Setting → SMPP: the owner's credentials for SMPP 3.4 clients, each
//! password shown once, and the binds open now.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::smpp::{
        get_smpp_settings, CreateSmppCredential, CreatedSmppCredential, RevokeSmppCredential,
        SmppBindRow, SmppCredentialRow,
    },
    components::{
        form::{form_errors, Field, FormError, SubmitButton},
        guard::Guarded,
        table::{short_time, time_heading},
    },
    domain::Access,
};

#[component]
pub fn SmppPage() -> impl IntoView {
    view! {
        <Title text="SMPP" />
        <Guarded access=Access::Owner>
            <Smpp />
        </Guarded>
    }
}

#[component]
fn Smpp() -> impl IntoView {
    let create = ServerAction::<CreateSmppCredential>::new();
    let revoke = ServerAction::<RevokeSmppCredential>::new();
    let create_errors = form_errors(create);
    let query = use_query_map();
    let settings = Resource::new(|| (), |_| get_smpp_settings());
    let revoked = move || query.read().get("revoked").is_some();
    view! {
        <header class="page-header">
            <div>
                <h1>"SMPP"</h1>
                <p class="lead">"For systems that send in volume: an SMPP 3.4 client keeps one connection open, submits messages as fast as its window allows and gets delivery receipts and replies back on it. Credentials act for the whole account, whatever its sub-accounts may do."</p>
            </div>
        </header>
        {move || revoked().then(|| view! {
            <p role="status" class="status ok">"The credentials are revoked: their binds end within seconds, and new binds are refused."</p>
        })}
        <section class="card form-card">
            <h2>"Create credentials"</h2>
            <ActionForm action=create attr:class="inline-fields">
                <FormError action=create />
                <Field label="Allowed client networks" name="allowed_networks" errors=create_errors
                    help="Optional. Addresses or networks that may bind, e.g. “203.0.113.0/24, 198.51.100.7”; empty allows any." />
                <SubmitButton label="Create credentials" />
            </ActionForm>
        </section>
        <FormError action=revoke />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                settings.await.map(|settings| view! {
                    // Hydrated, the action answers the password; without
                    // JavaScript the page finds it in the session. Once.
                    {create.value().get_untracked().and_then(Result::ok).or(settings.created).map(|created| view! { <NewCredential created /> })}
                    <Credentials credentials=settings.credentials revoke />
                    <Binds binds=settings.binds />
                    <Connecting address=settings.address />
                })
            })}
        </Transition>
    }
}

/// The password just made, in a field to copy from: this once.
#[component]
fn NewCredential(created: CreatedSmppCredential) -> impl IntoView {
    view! {
        <section class="card notice" aria-labelledby="new-smpp-title">
            <h2 id="new-smpp-title">"Credentials created"</h2>
            <div class="field">
                <label for="new-smpp-system-id">"System ID"</label>
                <input id="new-smpp-system-id" class="mono" type="text" readonly value=created.system_id />
            </div>
            <div class="field">
                <label for="new-smpp-password">"New SMPP password"</label>
                <input id="new-smpp-password" class="mono" type="text" readonly value=created.password aria-describedby="new-smpp-password-help" />
                <p class="help" id="new-smpp-password-help">"Copy it now: it is shown only this once, and we keep only a hash of it. A lost password cannot be recovered; revoke the credentials and create new ones."</p>
            </div>
        </section>
    }
}

#[component]
fn Credentials(
    credentials: Vec<SmppCredentialRow>,
    revoke: ServerAction<RevokeSmppCredential>,
) -> impl IntoView {
    view! {
        <section class="card table-card has-menus" aria-labelledby="smpp-credentials-title">
            <div class="card-toolbar"><h2 id="smpp-credentials-title">"Credentials"</h2></div>
            {if credentials.is_empty() {
                view! { <p class="empty">"No SMPP credentials yet. Create one for each system that binds, so you can revoke one without stopping the others."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table stacks">
                        <thead><tr>
                            <th scope="col">"System ID"</th>
                            <th scope="col">"Allowed client networks"</th>
                            <th scope="col">{time_heading("Created")}</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {credentials.into_iter().map(|credential| view! { <CredentialRow credential revoke /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn CredentialRow(
    credential: SmppCredentialRow,
    revoke: ServerAction<RevokeSmppCredential>,
) -> impl IntoView {
    let networks = match credential.allowed_networks.as_str() {
        "" => "Any address".to_owned(),
        listed => listed.replace(' ', ", "),
    };
    view! {
        <tr>
            <td class="mono" data-label="System ID">{credential.system_id.clone()}</td>
            <td data-label="Allowed client networks">{networks}</td>
            <td data-label="Created">{short_time(&credential.created_at)}</td>
            <td class="actions">
                <details class="row-actions">
                    <summary role="button" class="btn icon" aria-label=format!("Actions for {}", credential.system_id)>"+"</summary>
                    <div class="menu confirm">
                        <p>"Its binds end within seconds and new binds are refused. This cannot be undone."</p>
                        <ActionForm action=revoke>
                            <input type="hidden" name="id" value=credential.id />
                            <button type="submit" class="danger">{format!("Revoke {}", credential.system_id)}</button>
                        </ActionForm>
                    </div>
                </details>
            </td>
        </tr>
    }
}

#[component]
fn Binds(binds: Vec<SmppBindRow>) -> impl IntoView {
    view! {
        <section class="card table-card" aria-labelledby="smpp-binds-title">
            <div class="card-toolbar"><h2 id="smpp-binds-title">"Active binds"</h2></div>
            {if binds.is_empty() {
                view! { <p class="empty">"No client is bound now."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table stacks">
                        <thead><tr>
                            <th scope="col">"System ID"</th>
                            <th scope="col">"Mode"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">{time_heading("Since")}</th>
                            <th scope="col" class="num">"Messages submitted"</th>
                            <th scope="col" class="num">"Delivered to it"</th>
                        </tr></thead>
                        <tbody>
                            {binds.into_iter().map(|bind| view! {
                                <tr>
                                    <td class="mono" data-label="System ID">{bind.system_id}</td>
                                    <td data-label="Mode">{bind.mode}</td>
                                    <td class="mono" data-label="Address">{bind.address}</td>
                                    <td data-label="Since">{short_time(&bind.bound_at)}</td>
                                    <td class="num" data-label="Messages submitted">{bind.submitted}</td>
                                    <td class="num" data-label="Delivered to it">{bind.delivered}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="help">"Counts are refreshed every few seconds."</p>
                }.into_any()
            }}
        </section>
    }
}

/// How to connect, ready to paste.
#[component]
fn Connecting(address: Option<String>) -> impl IntoView {
    let (host, port) = address.as_deref().and_then(|a| a.rsplit_once(':')).map_or(
        ("smpp.example.com".to_owned(), "2775".to_owned()),
        |(h, p)| (h.to_owned(), p.to_owned()),
    );
    let example = format!(
        "import smpplib.client, smpplib.consts\n\nclient = smpplib.client.Client(\"{host}\", {port})\nclient.set_message_received_handler(lambda pdu: print(pdu.short_message))\nclient.connect()\nclient.bind_transceiver(system_id=\"…\", password=\"…\")\nclient.send_message(source_addr=\"INFO\", destination_addr=\"447430900123\",\n                    short_message=b\"Your order has shipped\", registered_delivery=1)\nclient.listen()"
    );
    view! {
        <section class="card" aria-labelledby="smpp-usage-title">
            <h2 id="smpp-usage-title">"Connecting"</h2>
            {match address {
                Some(address) => view! { <p>"Bind to "<code>{address}</code>" with SMPP 3.4 (transmitter, receiver or transceiver)."</p> }.into_any(),
                None => view! { <p>"This server does not accept SMPP connections at the moment; ask your provider for the address."</p> }.into_any(),
            }}
            <p>"Send from one of your approved sender names. Text may be GSM-7 ("<code>"data_coding"</code>" 0), ASCII, Latin-1 or UCS-2 (8); long messages as concatenated parts (UDH) or in "<code>"message_payload"</code>". Ask for receipts with "<code>"registered_delivery"</code>" 1: they come as "<code>"deliver_sm"</code>" to a receiver or transceiver of the same credentials, and wait for one when none is bound. Up to 10 requests may be outstanding, and each bind has a rate limit; a request beyond either is answered "<code>"ESME_RTHROTTLED"</code>": wait for answers, then send again."</p>
            <h3 class="example-title">"Python (smpplib)"</h3>
            <pre class="example" tabindex="0"><code>{example}</code></pre>
        </section>
    }
}
