// Loads the islands' client and hydrates every island of the page. An async
// module in <head>: it runs once the page is parsed or first painted (the
// browser's choice), with the wasm compiled meanwhile (compile_client.js),
// and hydrates the islands as soon as the wasm is instantiated (Leptos's own
// loader waits for the browser to be idle first).
const script = document.head.querySelector('link[rel="modulepreload"][data-client]').href;
const wasm = document.head.querySelector("script[data-client-wasm]").dataset.clientWasm;
const parsed = new Promise((done) => {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", done, { once: true });
  } else {
    done();
  }
});
// The wasm compiled since the head was parsed, or its address if that failed.
const [client, compiled] = await Promise.all([import(script), window.__clientWasm]);
await Promise.all([client.default({ module_or_path: compiled ?? wasm }), parsed]);
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
