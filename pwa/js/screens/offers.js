// The provider admin's package offers: accept or decline with a reason before the time runs out.
import * as api from "../api.js";
import { errorText } from "../commission-parts.js";
import { field, h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { formatDay } from "../time.js";

const TICK_MS = 30000;

function left(expires) {
  const ms = new Date(expires) - Date.now();
  if (ms <= 0) return t("commission.provider.lapsed");
  const minutes = Math.floor(ms / 60000);
  return t("commission.provider.left", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

function facts(o) {
  return [h("p", {}, h("strong", {}, `${o.zone_name} · ${o.postcode_district}`), " · ",
    t("commission.offers.hours_week", { hours: o.weekly_minutes / 60 }), " · ", t("commission.provider.starts", { date: formatDay(o.starts_on) })),
  h("p", {}, o.pattern_summary), o.needs_summary ? h("p", { class: "muted" }, o.needs_summary) : null];
}

function waitingCard(o, refresh) {
  const countdown = h("p", { class: "countdown", dataset: { expires: o.expires_at } }, left(o.expires_at));
  const reason = h("textarea", { rows: 2, required: true, maxlength: 500 });
  const status = h("div", { "aria-live": "polite" });
  const act = async (path, body, said) => {
    try {
      const answer = await api.post(`/api/v1/package-offers/${o.id}/${path}`, body);
      await refresh(said(answer));
    } catch (err) {
      replace(status, message("error", errorText(err)));
    }
  };
  const decline = h("form", { class: "decline" }, field(t("commission.provider.reason"), reason),
    h("button", { class: "btn", type: "submit" }, t("commission.provider.decline")));
  decline.addEventListener("submit", (e) => {
    e.preventDefault();
    act("decline", { reason: reason.value }, () => t("commission.provider.declined"));
  });
  const accept = h("button", { class: "btn btn--primary", type: "button", onClick: () => act("accept", undefined,
    (a) => t("commission.provider.accepted", { name: a.client_name, address: a.client_address })) }, t("commission.provider.accept"));
  return h("article", { class: "panel offer-card", "aria-label": `${o.zone_name} ${o.postcode_district}` },
    facts(o), countdown, h("div", { class: "item-actions" }, accept), decline, status);
}

function pastCard(o) {
  const mine = o.turns[0];
  const answer = mine ? t(`commission.provider.answer.${mine.outcome}`, { reason: mine.reason }) : "";
  return h("li", { class: "card" }, facts(o), h("p", {}, answer),
    o.client_name ? h("p", {}, t("commission.provider.yours", { name: o.client_name, address: o.client_address })) : null);
}

export async function render(main) {
  const notice = h("div", { "aria-live": "polite" });
  const body = h("div");
  main.append(h("section", { "aria-labelledby": "offers-title" },
    h("h1", { id: "offers-title" }, t("commission.provider.title")),
    h("p", { class: "hint" }, t("commission.provider.intro")), notice, body));

  async function refresh(said) {
    let offers;
    try {
      offers = await api.get("/api/v1/package-offers");
    } catch (err) {
      replace(notice, message("error", errorText(err)));
      return;
    }
    replace(notice, said ? message("ok", said) : null);
    const waiting = offers.filter((o) => o.your_turn);
    const past = offers.filter((o) => !o.your_turn);
    replace(body,
      h("h2", {}, t("commission.provider.waiting")),
      waiting.length ? waiting.map((o) => waitingCard(o, refresh)) : message("ok", t("commission.provider.none")),
      past.length ? [h("h2", {}, t("commission.provider.past")), h("ul", { class: "plain-list" }, past.map(pastCard))] : null);
  }
  await refresh();
  const timer = setInterval(() => {
    for (const el of main.querySelectorAll(".countdown")) el.textContent = left(el.dataset.expires);
  }, TICK_MS);
  return () => clearInterval(timer);
}
