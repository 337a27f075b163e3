// Boot and routing: who is signed in, which screen their role gets, and the shared top bar.
import * as api from "./api.js";
import { currentUser, HOME, logout, ROLE_NAMES } from "./auth.js";
import { h, replace } from "./dom.js";
import { lang, setLang, t } from "./i18n.js";
import { icon } from "./icons.js";
import * as outbox from "./outbox.js";
import { registerServiceWorker } from "./update.js";

const SCREENS = [
  [/^\/login$/, () => import("./screens/login.js"), null],
  [/^\/reset\?token=([\w-]+)$/, () => import("./screens/reset.js"), null],
  [/^\/password$/, () => import("./screens/password.js"), null],
  [/^\/worker$/, () => import("./screens/worker.js"), ["worker"]],
  [/^\/worker\/visit\/(\d+)$/, () => import("./screens/visit.js"), ["worker"]],
  [/^\/worker\/activity$/, () => import("./screens/activity.js"), ["worker"]],
  [/^\/worker\/day$/, () => import("./screens/worker-day.js"), ["worker"]],
  [/^\/coordinator$/, () => import("./screens/coordinator.js"), ["coordinator", "provider_admin"]],
  [/^\/messages(?:\/(families))?$/, () => import("./screens/messages.js"), ["coordinator", "provider_admin"]],
  [/^\/clients\/(\d+)\/medication$/, () => import("./screens/medication.js"), ["coordinator", "provider_admin"]],
  [/^\/reports$/, () => import("./screens/reports.js"), ["coordinator", "provider_admin"]],
  [/^\/planner$/, () => import("./screens/planner.js"), ["coordinator", "provider_admin"]],
  [/^\/clients(?:\/(\d+))?$/, () => import("./screens/clients.js"), ["coordinator", "provider_admin"]],
  [/^\/admin$/, () => import("./screens/admin.js"), ["provider_admin"]],
  [/^\/admin\/workers$/, () => import("./screens/admin-workers.js"), ["provider_admin"]],
  [/^\/admin\/users$/, () => import("./screens/admin-users.js"), ["provider_admin"]],
  [/^\/admin\/clients\/(?:new|(\d+))$/, () => import("./screens/admin-client.js"), ["provider_admin"]],
  [/^\/api-clients$/, () => import("./screens/api-clients.js"), ["provider_admin"]],
  [/^\/feed-import$/, () => import("./screens/feed-import.js"), ["provider_admin"]],
  [/^\/webhooks$/, () => import("./screens/webhooks.js"), ["provider_admin", "council_officer"]],
  [/^\/family$/, () => import("./screens/family.js"), ["family"]],
  [/^\/council$/, () => import("./screens/council.js"), ["council_officer"]],
  [/^\/council\/periods$/, () => import("./screens/periods.js"), ["council_officer"]],
  [/^\/fair-pay$/, () => import("./screens/fair-pay.js"), ["council_officer", "provider_admin"]],
  [/^\/council\/outcome-payments$/, () => import("./screens/outcome-payments.js"), ["council_officer", "provider_admin"]],
  [/^\/clients\/(\d+)\/outcomes$/, () => import("./screens/client-outcomes.js"),
    ["coordinator", "provider_admin", "council_officer"]],
  [/^\/council\/risk$/, () => import("./screens/risk.js"), ["council_officer"]],
  [/^\/risk$/, () => import("./screens/risk.js"), ["provider_admin"]],
  [/^\/risk\/visits\?(.+)$/, () => import("./screens/risk-visits.js"), ["council_officer", "provider_admin"]],
  [/^\/council\/zones$/, () => import("./screens/zones.js"), ["council_officer"]],
  [/^\/offers$/, () => import("./screens/offers.js"), ["provider_admin"]],
  [/^\/council\/invoices$/, () => import("./screens/invoices.js"), ["council_officer"]],
];

// Screens for someone not signed in: logging in, and a password reset link from an email.
const PUBLIC = /^\/(login|reset)(\?|$)/;
const main = document.getElementById("main");
const session = { user: null, notice: null };
let cleanup = null;
let renderId = 0;

export function go(path) {
  if (location.hash === `#${path}`) route();
  else location.hash = path;
}

async function route() {
  const path = location.hash.replace(/^#/, "") || "/";
  if (!path.startsWith("/")) return; // in-page anchors such as the skip link
  const { user } = session;
  if (!user && !PUBLIC.test(path)) return go("/login");
  if (user && (path === "/" || path === "/login")) return go(HOME[user.role] || "/login");
  const match = SCREENS.map(([re, load, roles]) => [re.exec(path), load, roles]).find(([m]) => m);
  if (!match || (match[2] && !match[2].includes(user.role))) return go(user ? HOME[user.role] : "/login");
  const [found, load] = match;
  const id = ++renderId;
  if (cleanup) cleanup();
  cleanup = null;
  const screen = await load();
  if (id !== renderId) return;
  replace(main);
  const ctx = { user, params: found.slice(1), go, notice: session.notice, signedIn };
  session.notice = null;
  cleanup = (await screen.render(main, ctx)) || null;
  if (document.activeElement === document.body || !main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

function showUser() {
  const { user } = session;
  const who = document.getElementById("who");
  replace(who, user ? [icon("user"), " ", user.name, h("span", { class: "visually-hidden" }, `, ${ROLE_NAMES[user.role]}`)] : []);
  document.getElementById("logout").hidden = !user;
  document.getElementById("password-link").hidden = !user;
  document.getElementById("sync-badge").hidden = !user || user.role !== "worker";
}

/** The shell's fixed words (marked data-i18n in index.html) and the switch offering the other language. */
function showLanguage() {
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  const other = lang() === "cy" ? "en" : "cy";
  const button = document.getElementById("language");
  button.textContent = t("shell.language_switch");
  button.lang = other;
  button.setAttribute("aria-label", t("shell.language_switch_label"));
}

/** The choice is the person's: kept on this device at once, and on their account when online. */
async function switchLanguage() {
  setLang(lang() === "cy" ? "en" : "cy");
  if (!session.user) return;
  session.user = { ...session.user, language: lang() };
  try {
    await api.patch("/api/v1/auth/me", { language: lang() });
  } catch {
    // Offline: this device keeps the choice; the account learns it at the next switch.
  }
}

function signedIn(user) {
  session.user = user;
  if (user.language) setLang(user.language); // the account's choice follows the person to every device
  outbox.setUser(user.id);
  showUser();
  go(HOME[user.role]);
}

function showBadge(s) {
  const badge = document.getElementById("sync-badge");
  badge.classList.toggle("is-waiting", s.pending > 0);
  const text = s.pending === 0 ? t("shell.badge_all_uploaded")
    : t(s.syncing ? "shell.badge_uploading" : "shell.badge_waiting", { n: s.pending });
  replace(badge, icon(s.pending > 0 ? "upload" : "cloud"), h("span", { "data-testid": "pending-count" }, text));
  badge.dataset.pending = String(s.pending);
}

async function confirmLogout() {
  const { pending } = await outbox.summary();
  if (!pending) return true;
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "card", "aria-labelledby": "logout-title" },
      h("h2", { id: "logout-title" }, t("shell.logout_title")),
      h("p", {}, t("shell.logout_body", { n: pending })),
      h("div", { class: "item-actions" },
        h("button", { class: "btn btn--danger", type: "button", onClick: () => { dialog.close(); resolve(true); } },
          t("shell.logout_anyway")),
        h("button", { class: "btn btn--primary", type: "button", onClick: () => { dialog.close(); resolve(false); } },
          t("shell.stay"))));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

async function onLogout() {
  if (!(await confirmLogout())) return;
  try {
    await logout();
  } catch {
    // Offline or already signed out: the cookies expire on their own; forget the local profile anyway.
  }
  session.user = null;
  outbox.setUser(null);
  showUser();
  go("/login");
}

function showNetwork() {
  document.getElementById("net-banner").hidden = navigator.onLine;
}

async function boot() {
  registerServiceWorker({
    banner: document.getElementById("update-banner"), reloadButton: document.getElementById("update-reload"),
  });
  document.querySelector(".skip-link").addEventListener("click", (e) => { e.preventDefault(); main.focus(); });
  document.getElementById("logout").addEventListener("click", onLogout);
  document.getElementById("language").addEventListener("click", switchLanguage);
  window.addEventListener("caremon:language", () => {
    showLanguage();
    showUser();
    outbox.summary().then(showBadge);
    route();
  });
  document.getElementById("password-link").prepend(icon("key"));
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  window.addEventListener("hashchange", route);
  window.addEventListener("caremon:signed-out", () => {
    if (!session.user) return;
    session.user = null;
    session.notice = t("shell.session_ended");
    outbox.setUser(null);
    showUser();
    go("/login");
  });
  showLanguage();
  showNetwork();
  outbox.onChange(showBadge);
  outbox.startAutoSync();
  session.user = await currentUser();
  if (session.user) outbox.setUser(session.user.id);
  if (session.user?.language) setLang(session.user.language);
  showUser();
  route();
}

boot();
