// Loads the islands' client and hydrates every island of the page. A classic
// inline script at the top of <head>, ahead of the stylesheet (which would
// hold a classic script back until it has loaded): it runs the moment the
// parser reaches it, and starts fetching the client's JavaScript and
// compiling its wasm (from the browser's code cache after the first visit)
// while the page is still being parsed. An async module would start later:
// Chromium ran ours only after the page's first paint. The islands hydrate
// as soon as the page is parsed and the wasm instantiated (Leptos's own
// loader waits for the browser to be idle first).
(async () => {
  const { clientJs, clientWasm } = document.currentScript.dataset;
  const parsed = new Promise((done) => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", done, { once: true });
    } else {
      done();
    }
  });
  // A failed compile is left to wasm-bindgen, which then loads the wasm
  // from its address and reports what failed.
  const compiled = WebAssembly.compileStreaming(fetch(clientWasm)).catch(() => clientWasm);
  const client = await import(clientJs);
  await Promise.all([client.default({ module_or_path: await compiled }), parsed]);
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
})().catch((error) => {
  console.error("The islands' client did not load:", error);
  // It may fail before <body> is parsed: the mark waits for it then.
  const mark = () => document.body.setAttribute("data-hydrated", "failed");
  if (document.body) mark();
  else document.addEventListener("DOMContentLoaded", mark, { once: true });
});
