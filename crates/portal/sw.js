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
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
        }
        return response;
      })
      .catch(() => caches.match(key).then((saved) => saved || Response.error())),
  );
});
