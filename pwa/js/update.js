// Installing the service worker and telling the user when a new version has taken over.
// The worker activates at once (skipWaiting + clients.claim); the page still runs the old code
// until reloaded, so we offer the reload rather than pull the screen from under someone mid-visit.

export function registerServiceWorker({ banner, reloadButton }) {
  if (!("serviceWorker" in navigator)) return;
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (controlled) banner.hidden = false;
    controlled = true;
  });
  reloadButton.addEventListener("click", () => location.reload());
  navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).then((reg) => {
    const check = () => reg.update().catch(() => {});
    setInterval(check, 15 * 60 * 1000);
    window.addEventListener("online", check);
  }).catch(() => {});
}
