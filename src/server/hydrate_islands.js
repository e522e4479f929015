// Loads the islands' client and hydrates every island of the page. An async
// module in <head>, it runs as soon as it is parsed: the wasm compiles while
// the browser parses and lays out the page, and the islands hydrate once
// both are done (Leptos's own loader waits for the browser to be idle first).
const address = (rel) => document.head.querySelector(`link[rel="${rel}"][data-client]`).href;
const parsed = new Promise((done) => {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", done, { once: true });
  } else {
    done();
  }
});
const client = await import(address("modulepreload"));
await Promise.all([client.default({ module_or_path: address("preload") }), parsed]);
client.hydrate();
// Document order: an island is hydrated before those inside it.
for (const island of document.querySelectorAll("leptos-island")) {
  // An island inside another island's children hydrates in that island's
  // context, which the outer island left on its <leptos-children>.
  island.parentElement?.closest("leptos-children")?.$$on_hydrate?.();
  const hydrate = client[island.dataset.component];
  if (hydrate) {
    await hydrate(island);
  } else {
    console.warn(`No client code for the island ${island.dataset.component}.`);
  }
}
// End-to-end tests and the client benchmark wait for this mark.
document.body.setAttribute("data-hydrated", "true");
