use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::prices::*;

#[server(endpoint = "prices/list")]
pub async fn list_prices(#[server(default)] search: String) -> Result<Vec<PriceRow>, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, prices},
    };
    let caller = guard::caller(Access::Permission(Permission::SeePrices)).await?;
    Ok(prices::list(caller.pool(), &search).await?)
}
