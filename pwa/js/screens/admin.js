// The provider admin's home: the service at a glance, and the way to each part of running it.
import * as api from "../api.js";
import { h } from "../dom.js";
import { icon } from "../icons.js";
import { t } from "../i18n.js";

function tile({ id, href, iconName, title, count, text, action }) {
  return h("section", { class: "card admin-tile", "aria-labelledby": `tile-${id}` },
    h("h2", { id: `tile-${id}` }, icon(iconName), " ", title),
    count === null ? null : h("p", { class: "admin-count" }, count),
    h("p", { class: "muted" }, text),
    h("a", { class: "btn btn--primary", href }, action));
}

export async function render(main, { user }) {
  const [workers, clients, staff] = await Promise.all([
    api.get("/api/v1/workers"), api.get("/api/v1/clients"), api.get("/api/v1/users"),
  ]);
  const active = (rows) => rows.filter((r) => r.active !== false).length;
  const provider = staff.filter((u) => u.role === "coordinator" || u.role === "provider_admin");
  main.append(h("div", { class: "panel admin-home" },
    h("nav", { class: "toolbar", "aria-label": t("admin.nav.label") }, h("h1", {}, t("admin.home.title"))),
    h("p", { class: "muted" }, t("admin.home.intro", { name: user.name })),
    h("div", { class: "admin-tiles" },
      tile({ id: "roster", href: "#/coordinator", iconName: "bell", title: t("admin.home.roster"), count: null,
        text: t("admin.home.rosterText"), action: t("admin.home.rosterAction") }),
      tile({ id: "workers", href: "#/admin/workers", iconName: "user", title: t("admin.home.workers"),
        count: t("admin.home.activeCount", { n: active(workers) }), text: t("admin.home.workersText"),
        action: t("admin.home.workersAction") }),
      tile({ id: "clients", href: "#/clients", iconName: "door", title: t("admin.home.clients"),
        count: t("admin.home.activeCount", { n: active(clients) }), text: t("admin.home.clientsText"),
        action: t("admin.home.clientsAction") }),
      tile({ id: "packages", href: "#/clients", iconName: "clock", title: t("admin.home.packages"), count: null,
        text: t("admin.home.packagesText"), action: t("admin.home.packagesAction") }),
      tile({ id: "users", href: "#/admin/users", iconName: "key", title: t("admin.home.users"),
        count: t("admin.home.activeCount", { n: active(provider) }), text: t("admin.home.usersText"),
        action: t("admin.home.usersAction") }),
      tile({ id: "import", href: "#/feed-import", iconName: "upload", title: t("admin.home.import"), count: null,
        text: t("admin.home.importText"), action: t("admin.home.importAction") })),
    h("p", { class: "admin-more" }, t("admin.home.more"), " ",
      h("a", { href: "#/reports" }, t("admin.home.reports")), " · ",
      h("a", { href: "#/offers" }, t("commission.nav.offers")), " · ",
      h("a", { href: "#/risk" }, t("commission.nav.risk")), " · ",
      h("a", { href: "#/fair-pay" }, t("fairpay.link")), " · ",
      h("a", { href: "#/api-clients" }, t("admin.home.apiClients")), " · ",
      h("a", { href: "#/webhooks" }, t("admin.home.webhooks")))));
}
