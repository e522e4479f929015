//! The 1,000-write mix of the concurrency proofs and the benchmark
//! (`src/server/tests/trust.rs`, `tests/process.rs`, `benches/portal.rs`):
//! write `n` creates a sub-account, saves the grants of a target
//! sub-account, tops up (confirm, then pay) or sends a campaign (review,
//! then send), by `n % 4`.

/// How many writes a run of the mix makes.
pub const WRITES: usize = 1000;

/// A server function's endpoint (under `/api/`) and its form.
pub type Step = (&'static str, Vec<(&'static str, String)>);

/// What write `n` posts first; `target` is the sub-account whose grants
/// are saved, `password` the new sub-accounts' password.
pub fn first_step(n: usize, target: i64, password: &str) -> Step {
    match n % 4 {
        0 => (
            "sub-accounts/create",
            vec![
                ("login", format!("load-{n}")),
                ("password", password.into()),
                ("name", "Load Test".into()),
                ("phone", "+44 20 7946 0002".into()),
                ("email", "load@example.com".into()),
            ],
        ),
        1 => (
            "sub-accounts/access/save",
            vec![
                ("id", target.to_string()),
                ("permissions[]", "see_prices".into()),
            ],
        ),
        2 => ("finance/top-up", vec![("amount", "10".into())]),
        _ => (
            "sending/review",
            vec![
                ("sender", "INFO".into()),
                ("numbers", format!("+4474309{n:05}")),
                ("text", "Hi".into()),
            ],
        ),
    }
}

/// The step completing a write whose first step (`endpoint`) answered
/// `id`: paying the confirmed top-up, sending the reviewed campaign.
pub fn second_step(endpoint: &str, id: i64) -> Option<Step> {
    match endpoint {
        "finance/top-up" => Some(("finance/top-up/pay", vec![("intent", id.to_string())])),
        "sending/review" => Some(("sending/send", vec![("review", id.to_string())])),
        _ => None,
    }
}
