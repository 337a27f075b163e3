// Parts the commissioning screens share: Green/Amber/Red chips, KPI values, period fields and file downloads.
import * as api from "./api.js";
import { field, h, message, replace } from "./dom.js";
import { t } from "./i18n.js";
import { addDays, localDate } from "./time.js";

export const KPIS = ["missed_pct", "late_pct", "verified_pct", "regular_pct", "delivered_pct", "family_rating",
  "open_exceptions", "undelivered_messages"];

export function ratingChip(rating) {
  return h("span", { class: `chip rag rag--${rating}` }, t(`commission.rating.${rating}`));
}

export function kpiValue(kpi, value) {
  if (value === null || value === undefined) return "—";
  if (kpi.endsWith("_pct")) return `${value}%`;
  if (kpi === "family_rating") return `${value} / 5`;
  return String(value);
}

export function errorText(err) {
  return err.fieldMessage ? err.fieldMessage() : err.message;
}

/** From and To date fields, last 28 days by default. */
export function periodFields(from, to) {
  const today = localDate();
  const first = h("input", { type: "date", required: true, value: from || addDays(today, -27) });
  const last = h("input", { type: "date", required: true, value: to || today });
  return { first, last, fields: [field(t("commission.from"), first), field(t("commission.to"), last)] };
}

export function downloadButton(label, path, query, fallback, status) {
  const btn = h("button", { class: "btn", type: "button" }, label);
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      const file = await api.download(path, query, fallback);
      replace(status, message("ok", t("commission.downloaded", { name: file.name })));
    } catch (err) {
      replace(status, message("error", errorText(err)));
    } finally {
      btn.disabled = false;
    }
  });
  return btn;
}
