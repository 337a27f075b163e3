/* Caremon service worker: the app shell from a versioned cache, so the app starts with no network.
   The server writes the version (a hash of every shell file) and the file list in when it serves this
   file; a deploy that changes any shell file therefore changes this file, and the browser installs it. */
const VERSION = "__SHELL_VERSION__";
const SHELL = "__SHELL_FILES__";
const CACHE = `caremon-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: "reload" skips the HTTP cache: the new version must be fetched, not remembered.
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("caremon-shell-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The API is always live; the pages keep their own copies of what they need offline (IndexedDB).
  if (url.pathname.startsWith("/api/")) return;
  const isAppPage = request.mode === "navigate" && url.pathname === "/";
  if (!isAppPage && !SHELL.includes(url.pathname)) return;
  event.respondWith((async () => {
    const cached = await caches.match(isAppPage ? "/" : url.pathname, { cacheName: CACHE });
    return cached || fetch(request);
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "version") event.source.postMessage({ version: VERSION });
});

self.addEventListener("push", (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data.text() };
  }
  const title = data.title || "Caremon";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.visit_id ? `visit-${data.visit_id}` : undefined,
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { url: data.url || "/#/family" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === self.location.origin) {
        await client.focus();
        return client.navigate(target);
      }
    }
    return self.clients.openWindow(target);
  })());
});
