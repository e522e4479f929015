use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::prices::list_prices,
    components::{guard::Guarded, table::SearchBox},
    domain::{Access, Money, Permission},
};

#[component]
pub fn PricesPage() -> impl IntoView {
    view! {
        <Title text="Prices" />
        <Guarded access=Access::Permission(Permission::SeePrices)>
            <Prices />
        </Guarded>
    }
}

#[component]
fn Prices() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    let prices = Resource::new(search, list_prices);
    view! {
        <header class="page-header">
            <div>
                <h1>"Prices"</h1>
                <p class="lead">"Price per SMS part, by destination network, in euros. A long message of several parts costs that many times the price."</p>
            </div>
        </header>
        <section class="card table-card">
            <div class="card-toolbar">
                <SearchBox label="Search by country" value=search() placeholder="Country, code or prefix" />
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    prices.await.map(|prices| {
                        if prices.is_empty() {
                            return view! { <p class="empty">"No destination matches your search."</p> }.into_any();
                        }
                        view! {
                            <table class="data-table">
                                <thead><tr>
                                    <th scope="col">"Country"</th>
                                    <th scope="col">"Code"</th>
                                    <th scope="col">"Prefix"</th>
                                    <th scope="col">"Network"</th>
                                    <th scope="col" class="num">"Price per part"</th>
                                </tr></thead>
                                <tbody>
                                    {prices.into_iter().map(|p| view! {
                                        <tr>
                                            <td>{p.country}</td>
                                            <td>{p.country_code}</td>
                                            <td class="mono">{format!("+{}", p.dial_prefix)}</td>
                                            <td>{p.network}</td>
                                            <td class="num">{Money(p.price).display_precise()}</td>
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
