// Coordinators' clients: each home's tag for checking in without GPS (QR label, NFC sticker, short code),
// issued, printed, written to a sticker, revoked and reissued.
import * as api from "../api.js";
import { h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { canTap, writeNfc } from "../tag-reader.js";
import { formatShortDay, formatTime, localDate } from "../time.js";

export async function render(main, { params }) {
  const list = h("div", {});
  const card = h("section", { class: "panel", "aria-labelledby": "tag-title", "aria-live": "polite" });
  main.append(h("div", { class: "desk" },
    h("div", { class: "desk-main" },
      h("section", { class: "panel" },
        h("nav", { class: "toolbar", "aria-label": "Desk" }, h("h1", {}, "Clients and home tags"), h("span", { class: "spacer" }),
          h("a", { class: "btn", href: "#/coordinator" }, "Back to today's roster")),
        h("p", { class: "muted" }, "A tag fixed in the home lets carers check in where GPS fails: they scan its QR code, "
          + "tap its sticker, type its code, or text IN or OUT and the code."),
        list)),
    h("aside", { class: "desk-side" }, card)));
  const clients = await api.get("/api/v1/clients");
  replace(list, clientsTable(clients));
  const chosen = clients.find((c) => c.id === Number(params[0])) || null;
  if (chosen) await showTags(card, chosen);
  else replace(card, h("h2", { id: "tag-title" }, "Home tag"), h("p", { class: "muted" }, "Choose a client."));
}

function clientsTable(clients) {
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, ["Client", "Address", "Geofence", ""].map((col) => h("th", { scope: "col" }, col)))),
    h("tbody", {}, clients.map((c) => h("tr", {},
      h("td", {}, c.name), h("td", {}, c.address),
      h("td", {}, c.geofence_radius_m ? `${c.geofence_radius_m} m (this home)` : "contract's"),
      h("td", { class: "row-actions" },
        h("a", { class: "btn btn--small", href: `#/clients/${c.id}`, "aria-label": `Tag for ${c.name}` }, icon("qr"), "Tag"),
        h("a", { class: "btn btn--small", href: `#/clients/${c.id}/outcomes`,
          "aria-label": t("outcomes.statement.linkFor", { name: c.name }) }, t("outcomes.statement.link")))))));
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
  const issue = h("button", { class: "btn btn--primary", type: "button" }, live ? "Reissue (revokes this tag)" : "Issue a tag");
  issue.addEventListener("click", () => (!live || confirm("Reissue? The label and sticker in the home stop working at once."))
    && act(() => api.post(`/api/v1/clients/${client.id}/tags`), "New tag issued: print its label and replace the old one."));
  replace(card,
    h("h2", { id: "tag-title" }, `Home tag: ${client.name}`),
    notice,
    live ? await liveTag(client, live, act) : h("p", { class: "muted" }, "No tag in this home yet."),
    h("p", {}, issue),
    tags.length ? history(tags) : null);
}

async function liveTag(client, tag, act) {
  const base = `/api/v1/clients/${client.id}/tags/${tag.id}`;
  const png = await api.request("GET", `${base}/label.png`, { as: "response" });
  const qr = h("img", { class: "tag-qr", alt: `QR code of tag version ${tag.version}`, src: await dataUrl(await png.blob()) });
  const print = h("button", { class: "btn", type: "button" }, icon("download"), "Label (PDF)");
  print.addEventListener("click", () => act(() => api.download(`${base}/label.pdf`, {}, `caremon-tag-${client.id}.pdf`)));
  const write = h("button", { class: "btn", type: "button" }, icon("nfc"), "Write to NFC sticker");
  write.addEventListener("click", () => act(() => writeNfc(tag.payload), "Written: fix the sticker by the door."));
  const revoke = h("button", { class: "btn", type: "button" }, "Revoke");
  revoke.addEventListener("click", () => confirm("Revoke? Check-ins by this tag become tag_invalid at once.")
    && act(() => api.post(`${base}/revoke`), "Revoked."));
  return h("div", { class: "card tag-card" },
    qr,
    h("p", { class: "tag-code-big", "aria-label": `Code ${tag.code.split("").join(" ")}` }, `${tag.code.slice(0, 3)} ${tag.code.slice(3)}`),
    h("p", { class: "muted" }, `Version ${tag.version}, issued ${when(tag.issued_at)}`),
    h("p", { class: "actions-row" }, print, canTap() ? write : null, revoke));
}

function history(tags) {
  return h("details", {}, h("summary", {}, `All versions (${tags.length})`),
    h("ul", {}, tags.map((t) => h("li", {}, `Version ${t.version}, code ${t.code}: `,
      t.active ? "in use" : `revoked ${when(t.revoked_at)}`))));
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
