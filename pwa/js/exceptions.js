// The coordinator's queue of visits with open exceptions, oldest first.
import * as api from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { exceptionLabel, flagLabel } from "./labels.js";
import { shortDay } from "./day-names.js";
import { formatTime } from "./time.js";

export async function loadExceptions() {
  const page = await api.get("/api/v1/visits", { status: "exception", limit: 100 });
  return { visits: page.items, more: Boolean(page.next_cursor) };
}

export function renderExceptions({ visits, more }, onOpen) {
  if (!visits.length) return h("p", { class: "muted" }, t("coord.exceptions.none"));
  return [
    h("ul", { class: "plain-list exceptions" }, visits.map((v) => h("li", { dataset: { visitId: v.id } },
      h("strong", {}, v.client.name), " · ", shortDay(new Date(v.planned_start)), " ", formatTime(v.planned_start),
      h("br"), h("span", {}, v.open_exceptions.map(exceptionLabel).join(", ")),
      v.flags?.length ? h("span", { class: "flags" }, " ", v.flags.map((f) => h("span", { class: "flag", dataset: { flag: f } }, flagLabel(f)))) : null,
      h("span", { class: "muted" }, ` · ${v.assignments.map((a) => a.worker_name).join(", ") || t("coord.exceptions.nobody")}`),
      h("div", { class: "item-actions" },
        h("button", { class: "btn btn--small", type: "button", onClick: () => onOpen(v.id), "aria-label": t("coord.exceptions.reviewLabel", { client: v.client.name, time: formatTime(v.planned_start) }) },
          t("coord.exceptions.review")))))),
    more ? h("p", { class: "hint" }, t("coord.exceptions.oldest")) : null,
  ];
}
