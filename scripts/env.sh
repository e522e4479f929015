# Sourced by the scripts: the environment cargo-leptos gives the server build,
# so plain cargo commands reuse its artefacts instead of rebuilding Leptos.
export PATH="$HOME/.cargo/bin:$PWD/target/tools/node_modules/.bin:$PATH"
export LEPTOS_OUTPUT_NAME=sms-portal
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-$PWD/target/site}
