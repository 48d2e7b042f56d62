// hourbank portal service worker: lets the portal open without a connection.
// Network first, so a new release is picked up as soon as the server answers; the saved copy is
// only for when it does not. API reads are not handled here: the app keeps them itself, with
// their age, and sends writes through its outbox.
const CACHE = "hourbank-portal-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  // Every page of the portal is the same index.html; keep it under one key.
  const key = request.mode === "navigate" ? "/portal/" : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          const page = key === "/portal/" ? response.clone() : null;
          event.waitUntil(
            caches.open(CACHE).then((cache) => cache.put(key, copy).then(() => page && keepOnly(cache, page))),
          );
        }
        return response;
      })
      .catch(() => caches.match(key).then((saved) => saved || Response.error())),
  );
});

// Trunk's hashed files (name-<hash>.wasm, 12 to 16 hex digits: no leading zeros) never change, and the server lets browsers keep them
// a year; the page names the ones of its release. When a page arrives, saved copies of the files
// it no longer names are dropped: the saved portal is always one release, never a pile of them.
const HASHED = /-[0-9a-f]{12,16}(_bg)?\.(js|wasm|css)$/;

function keepOnly(cache, page) {
  return page.text().then((html) => {
    // The built page is minified: its attributes may be unquoted. Staff get the staff build's
    // page, whose files are under /portal/staff/.
    const named = new Set(html.match(/\/portal\/(?:staff\/)?[A-Za-z0-9_.-]+/g) || []);
    return cache.keys().then((keys) =>
      Promise.all(
        keys
          .filter((saved) => {
            const path = new URL(saved.url).pathname;
            return HASHED.test(path) && !named.has(path);
          })
          .map((saved) => cache.delete(saved)),
      ),
    );
  });
}
