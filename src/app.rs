use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    hooks::use_location,
    path, SsrMode,
};

use crate::{
    api::{auth::current_viewer, AppError},
    components::{form::SubmitFeedback, layout::Layout},
    domain::Viewer,
    pages::{
        account::ChangePasswordPage,
        analytics::{AnalyticsDetailsPage, AnalyticsSummaryPage},
        api_keys::ApiKeysPage,
        audit::AuditLogPage,
        finance::{FinancePage, InvoicePage, TopUpPage},
        home::HomePage,
        inbox::{BlockedPage, IncomingPage},
        login::LoginPage,
        manager::{AccountsPage, CreateAccountPage},
        not_found::NotFound,
        prices::PricesPage,
        profile::ProfilePage,
        sending::{BulkSmsPage, ContactListPage, DatabasePage, SenderNamesPage},
        smpp::SmppPage,
        stop_list::StopListPage,
        sub_accounts::{
            AccessPage, CreateSubAccountPage, DeleteSelectedPage, DeleteSubAccountPage,
            EditSubAccountPage, PresetsPage, ResetPasswordPage, SubAccountsPage,
        },
        two_factor::{TwoFactorPage, VerifyLoginPage},
    },
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::content_security_policy();
    // The client's files are linked by the server only (the shell never
    // renders in the browser).
    #[cfg(feature = "ssr")]
    let client = view! { <crate::server::client_assets::ClientAssets options=options.clone() /> };
    #[cfg(not(feature = "ssr"))]
    let client = ();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                {client}
                <MetaTags />
            </head>
            <body>
                <App />
                <SubmitFeedback />
            </body>
        </html>
    }
}

/// The logged-in user, reloaded from the server at every navigation (query
/// included) so neither the menu nor the balance outlives a change.
#[derive(Clone, Copy)]
pub struct CurrentViewer(pub Resource<Result<Option<Viewer>, AppError>>);

pub fn use_viewer() -> CurrentViewer {
    expect_context::<CurrentViewer>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=|page: String| format!("{page} · SMS Portal") />
        <Router>
            <ViewerProvider>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/verify") view=VerifyLoginPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/account/password") view=ChangePasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/account/two-factor") view=TwoFactorPage ssr=SsrMode::Async />
                        <Route path=path!("/sending/bulk") view=BulkSmsPage ssr=SsrMode::Async />
                        <Route path=path!("/sending/database") view=DatabasePage ssr=SsrMode::Async />
                        <Route path=path!("/sending/database/:id") view=ContactListPage ssr=SsrMode::Async />
                        <Route path=path!("/sending/senders") view=SenderNamesPage ssr=SsrMode::Async />
                        <Route path=path!("/analytics") view=AnalyticsSummaryPage ssr=SsrMode::Async />
                        <Route path=path!("/analytics/details") view=AnalyticsDetailsPage ssr=SsrMode::Async />
                        <Route path=path!("/incoming") view=IncomingPage ssr=SsrMode::Async />
                        <Route path=path!("/blocked") view=BlockedPage ssr=SsrMode::Async />
                        <Route path=path!("/blocked/stop-list") view=StopListPage ssr=SsrMode::Async />
                        <Route path=path!("/prices") view=PricesPage ssr=SsrMode::Async />
                        <Route path=path!("/finance") view=FinancePage ssr=SsrMode::Async />
                        <Route path=path!("/finance/top-up") view=TopUpPage ssr=SsrMode::Async />
                        <Route path=path!("/finance/invoices/:number") view=InvoicePage ssr=SsrMode::Async />
                        <Route path=path!("/profile") view=ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/settings/audit-log") view=AuditLogPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/api-keys") view=ApiKeysPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/smpp") view=SmppPage ssr=SsrMode::Async />
                        <Route path=path!("/manager/accounts") view=AccountsPage ssr=SsrMode::Async />
                        <Route path=path!("/manager/accounts/new") view=CreateAccountPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts") view=SubAccountsPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/new") view=CreateSubAccountPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/presets") view=PresetsPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/delete-selected") view=DeleteSelectedPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/:id/edit") view=EditSubAccountPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/:id/access") view=AccessPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/:id/password") view=ResetPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/sub-accounts/:id/delete") view=DeleteSubAccountPage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </ViewerProvider>
        </Router>
    }
}

#[component]
fn ViewerProvider(children: Children) -> impl IntoView {
    let location = use_location();
    let viewer = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| current_viewer(),
    );
    provide_context(CurrentViewer(viewer));
    children()
}
