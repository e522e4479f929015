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
// Document order: an island is hydrated before those inside it. One that
// fails is reported and the others still hydrate; the page is then not
// marked hydrated, so a test waiting for the mark says what went wrong.
let failed = 0;
for (const island of document.querySelectorAll("leptos-island")) {
  // An outer island may have replaced what held this one.
  if (!island.isConnected) continue;
  // An island inside another island's children hydrates in that island's
  // context, which the outer island left on its <leptos-children>.
  island.parentElement?.closest("leptos-children")?.$$on_hydrate?.();
  const hydrate = client[island.dataset.component];
  try {
    if (!hydrate) throw new Error("no client code for it");
    await hydrate(island);
  } catch (error) {
    failed += 1;
    console.error(`The island ${island.dataset.component} did not hydrate:`, error);
  }
}
// End-to-end tests and the client benchmark wait for this mark.
document.body.setAttribute("data-hydrated", failed ? "failed" : "true");
