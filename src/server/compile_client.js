// Starts compiling the islands' wasm the moment the parser reaches <head>:
// a classic script ahead of the stylesheet runs at once, and the compile
// (from the browser's code cache after the first visit) is done on other
// threads and between parser tasks, before the page's first layout rather
// than after its first paint, where the async loader runs. A failure is left
// to the loader, which then loads the wasm itself and reports what failed.
window.__clientWasm = WebAssembly.compileStreaming(
  fetch(document.currentScript.dataset.clientWasm),
).catch(() => undefined);
