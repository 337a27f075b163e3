// The provider's clients: each home's tag for checking in without GPS (QR label, NFC sticker, short code),
// issued, printed, written to a sticker, revoked and reissued; and for a provider admin, the way to add a
// client and to manage each one's details, home, family and care (screens/admin-client.js).
import * as api from "../api.js";
import { h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { canTap, writeNfc } from "../tag-reader.js";
import { formatShortDay, formatTime, localDate } from "../time.js";

export async function render(main, { params, user }) {
  const admin = user.role === "provider_admin";
  const list = h("div", {});
  const card = h("section", { class: "panel", "aria-labelledby": "tag-title", "aria-live": "polite" });
  main.append(h("div", { class: "desk" },
    h("div", { class: "desk-main" },
      h("section", { class: "panel" },
        h("nav", { class: "toolbar", "aria-label": t("admin.nav.label") }, h("h1", {}, t("admin.clients.title")), h("span", { class: "spacer" }),
          admin ? h("a", { class: "btn btn--primary", href: "#/admin/clients/new" }, t("admin.clients.add")) : null,
          admin ? h("a", { class: "btn", href: "#/admin" }, t("admin.nav.home"))
            : h("a", { class: "btn", href: "#/coordinator" }, t("admin.clients.roster"))),
        h("p", { class: "muted" }, t("admin.clients.tagIntro")),
        list)),
    h("aside", { class: "desk-side" }, card)));
  const clients = await api.get("/api/v1/clients");
  replace(list, clientsTable(clients, admin));
  const chosen = clients.find((c) => c.id === Number(params[0])) || null;
  if (chosen) await showTags(card, chosen);
  else replace(card, h("h2", { id: "tag-title" }, t("admin.tags.title")), h("p", { class: "muted" }, t("admin.tags.choose")));
}

function clientsTable(clients, admin) {
  if (!clients.length) return h("p", { class: "muted" }, t("admin.clients.none"));
  const cols = [t("admin.clients.client"), t("admin.client.address"), t("admin.clients.geofence"), ""];
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, clients.map((c) => h("tr", { class: c.active ? null : "row--inactive" },
      h("td", { "data-label": cols[0] }, c.name, c.active ? "" : [" ", h("span", { class: "chip" }, t("admin.inactive"))]),
      h("td", { "data-label": cols[1] }, c.address),
      h("td", { "data-label": cols[2] }, c.geofence_radius_m ? t("admin.clients.ownRadius", { m: c.geofence_radius_m }) : t("admin.clients.contractRadius")),
      h("td", {}, h("div", { class: "row-actions" },
        admin ? h("a", { class: "btn btn--small", href: `#/admin/clients/${c.id}`, "aria-label": t("admin.clients.manageNamed", { name: c.name }) },
          t("admin.clients.manage")) : null,
        h("a", { class: "btn btn--small", href: `#/clients/${c.id}`, "aria-label": t("admin.tags.forNamed", { name: c.name }) }, icon("qr"), t("admin.tags.tag")),
        h("a", { class: "btn btn--small", href: `#/clients/${c.id}/outcomes`,
          "aria-label": t("outcomes.statement.linkFor", { name: c.name }) }, t("outcomes.statement.link"))))))));
}

async function showTags(card, client) {
  const notice = h("div", {});
  const act = async (work, done) => {
    try {
      await work();
      await showTags(card, client);
      if (done) card.prepend(message("ok", done));
    } catch (err) {
      replace(notice, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  };
  const tags = await api.get(`/api/v1/clients/${client.id}/tags`);
  const live = tags.find((t) => t.active);
  const issue = h("button", { class: "btn btn--primary", type: "button" }, live ? t("admin.tags.reissue") : t("admin.tags.issue"));
  issue.addEventListener("click", () => (!live || confirm(t("admin.tags.confirmReissue")))
    && act(() => api.post(`/api/v1/clients/${client.id}/tags`), t("admin.tags.issued")));
  replace(card,
    h("h2", { id: "tag-title" }, t("admin.tags.titleFor", { name: client.name })),
    notice,
    live ? await liveTag(client, live, act) : h("p", { class: "muted" }, t("admin.tags.none")),
    h("p", {}, issue),
    tags.length ? history(tags) : null);
}

async function liveTag(client, tag, act) {
  const base = `/api/v1/clients/${client.id}/tags/${tag.id}`;
  const png = await api.request("GET", `${base}/label.png`, { as: "response" });
  const qr = h("img", { class: "tag-qr", alt: t("admin.tags.qrAlt", { version: tag.version }), src: await dataUrl(await png.blob()) });
  const print = h("button", { class: "btn", type: "button" }, icon("download"), t("admin.tags.label"));
  print.addEventListener("click", () => act(() => api.download(`${base}/label.pdf`, {}, `caremon-tag-${client.id}.pdf`)));
  const write = h("button", { class: "btn", type: "button" }, icon("nfc"), t("admin.tags.writeNfc"));
  write.addEventListener("click", () => act(() => writeNfc(tag.payload), t("admin.tags.written")));
  const revoke = h("button", { class: "btn", type: "button" }, t("admin.tags.revoke"));
  revoke.addEventListener("click", () => confirm(t("admin.tags.confirmRevoke"))
    && act(() => api.post(`${base}/revoke`), t("admin.tags.revoked")));
  return h("div", { class: "card tag-card" },
    qr,
    h("p", { class: "tag-code-big", "aria-label": t("admin.tags.codeSpoken", { code: tag.code.split("").join(" ") }) }, `${tag.code.slice(0, 3)} ${tag.code.slice(3)}`),
    h("p", { class: "muted" }, t("admin.tags.version", { version: tag.version, when: when(tag.issued_at) })),
    h("p", { class: "actions-row" }, print, canTap() ? write : null, revoke));
}

function history(tags) {
  return h("details", {}, h("summary", {}, t("admin.tags.all", { n: tags.length })),
    h("ul", {}, tags.map((tag) => h("li", {}, t(tag.active ? "admin.tags.inUse" : "admin.tags.revokedOn", {
      version: tag.version, code: tag.code, when: when(tag.revoked_at) })))));
}

function when(iso) {
  return `${formatShortDay(localDate(new Date(iso)))} ${formatTime(iso)}`;
}

/** The label as a data: URL, the one image source beside the app's own the page allows. */
function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
