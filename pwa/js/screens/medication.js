// A client's medication list for coordinators and provider admins: each medicine's current version and its
// history (who changed it, when, why), a form to add one or record a change, and the month's MAR chart as a PDF.
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { localDate } from "../time.js";

const ROUTES = ["oral", "sublingual", "buccal", "inhaled", "topical", "transdermal", "eye", "ear", "nasal", "rectal",
  "vaginal", "subcutaneous", "intramuscular", "enteral_tube", "other"];

function when(v) {
  if (v.prn) {
    const limits = [v.prn_max_per_day && t("medication.max_a_day", { n: v.prn_max_per_day }),
      v.prn_min_interval_minutes && t("medication.apart", { n: v.prn_min_interval_minutes })].filter(Boolean);
    return limits.length ? t("medication.as_required_limits", { limits: limits.join(", ") }) : t("medication.as_required_short");
  }
  const parts = [...v.times, ...v.visit_pattern_ids.map((id) => t("medication.pattern_visits", { id }))].join(", ");
  return v.weekdays ? t("medication.on_days", { parts, days: v.weekdays.join(", ") }) : t("medication.daily", { parts });
}

function versionLine(v) {
  const span = v.ends_on ? t("medication.from_to", { from: v.starts_on, to: v.ends_on }) : t("medication.from", { from: v.starts_on });
  return h("li", {}, `v${v.number} ${span}: ${v.dose}, ${when(v)} – `,
    h("span", { class: "muted" }, `${v.changed_by_name}, ${v.created_at.slice(0, 10)}${v.reason ? `: ${v.reason}` : ""}`));
}

function medicineForm(current, onSave) {
  const v = current || {};
  const name = h("input", { value: v.name || "", required: true, maxlength: 200 });
  const dmd = h("input", { value: v.dmd_code || "", inputmode: "numeric", maxlength: 18 });
  const strength = h("input", { value: v.strength || "", maxlength: 100 });
  const dose = h("input", { value: v.dose || "", required: true, maxlength: 100 });
  const route = h("select", {}, options(ROUTES.map((r) => [r, r.replace(/_/g, " ")]), v.route || "oral"));
  const times = h("input", { value: (v.times || []).join(", "), placeholder: "08:00, 18:00" });
  const prn = h("input", { type: "checkbox", checked: Boolean(v.prn) });
  const critical = h("input", { type: "checkbox", checked: Boolean(v.time_critical) });
  const maxPerDay = h("input", { type: "number", min: 1, max: 24, value: v.prn_max_per_day || "" });
  const instructions = h("textarea", { rows: 2, maxlength: 2000 }, v.instructions || "");
  const starts = h("input", { type: "date", value: localDate(), required: true });
  const ends = h("input", { type: "date", value: v.ends_on || "" });
  const reason = h("input", { maxlength: 400, required: Boolean(current) });
  const form = h("form", { class: "panel medicine-form", novalidate: true },
    h("h2", {}, current ? t("medication.change_title", { name: current.name }) : t("medication.add_title")),
    h("div", { class: "filters" },
      field(t("medication.name"), name), field(t("medication.dmd"), dmd), field(t("medication.strength"), strength), field(t("medication.dose"), dose),
      field(t("medication.route"), route), field(t("medication.times"), times, t("medication.times_hint")),
      h("label", { class: "check" }, critical, t("medication.time_critical")), h("label", { class: "check" }, prn, t("medication.as_required")),
      field(t("medication.prn_max"), maxPerDay), field(t("medication.instructions"), instructions), field(t("medication.starts"), starts),
      field(t("medication.ends"), ends), field(t(current ? "medication.why_changed" : "medication.reason_optional"), reason)),
    h("button", { class: "btn btn--primary", type: "submit" }, t(current ? "medication.save_change" : "medication.add")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    onSave({
      name: name.value.trim(), dmd_code: dmd.value.trim() || null, strength: strength.value.trim() || null,
      dose: dose.value.trim(), route: route.value, instructions: instructions.value.trim() || null,
      times: prn.checked ? [] : times.value.split(",").map((time) => time.trim()).filter(Boolean),
      time_critical: critical.checked, prn: prn.checked,
      prn_max_per_day: prn.checked && maxPerDay.value ? Number(maxPerDay.value) : null,
      starts_on: starts.value, ends_on: ends.value || null, reason: reason.value.trim() || null,
    });
  });
  return form;
}

/** The client's consent to show their family which doses were given or refused (provider admins set it). */
function consentToggle(client, status) {
  const box = h("input", { type: "checkbox", checked: Boolean(client.medication_shared_with_family) });
  box.addEventListener("change", async () => {
    try {
      await api.patch(`/api/v1/clients/${client.id}`, { medication_shared_with_family: box.checked });
      replace(status, message("ok", t(box.checked ? "medication.shared_on" : "medication.shared_off")));
    } catch (err) {
      box.checked = !box.checked;
      replace(status, message("error", err.message));
    }
  });
  return h("label", { class: "check" }, box, t("medication.consent"));
}

export async function render(main, { params, user }) {
  const clientId = Number(params[0]);
  const root = h("section", { "aria-labelledby": "medication-title" });
  const status = h("div", { "aria-live": "polite" });
  main.append(root);
  let editing = null;

  async function save(body) {
    try {
      if (editing) await api.post(`/api/v1/medications/${editing.id}/versions`, body);
      else await api.post(`/api/v1/clients/${clientId}/medications`, body);
      replace(status, message("ok", t(editing ? "medication.saved_change" : "medication.added", { name: body.name })));
      editing = null;
      await draw();
    } catch (err) {
      replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
    }
  }

  async function draw() {
    let client;
    let medicines;
    try {
      [client, medicines] = await Promise.all([api.get(`/api/v1/clients/${clientId}`),
        api.get(`/api/v1/clients/${clientId}/medications`)]);
    } catch (err) {
      replace(root, message("error", err.status === 404 ? t("medication.not_yours") : err.message));
      return;
    }
    const month = h("input", { type: "month", value: localDate().slice(0, 7) });
    const pdf = h("button", { class: "btn", type: "button" }, icon("download"), t("medication.mar_pdf"));
    pdf.addEventListener("click", () => api.download(`/api/v1/clients/${clientId}/mar.pdf`, { month: month.value },
      `mar-${month.value}.pdf`)
      .then((file) => replace(status, message("ok", t("common.downloaded", { name: file.name }))))
      .catch((err) => replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message))));
    const chart = h("div", { class: "filters" }, field(t("medication.month"), month), h("div", {}, pdf));
    const rows = medicines.map((m) => {
      const current = m.versions[m.versions.length - 1];
      const change = h("button", { class: "btn btn--small", type: "button" }, t("medication.change"));
      change.addEventListener("click", () => { editing = { id: m.id, ...current }; draw(); });
      return h("li", { class: "panel medicine", dataset: { medication: m.id } },
        h("h3", {}, current.name, " ", h("span", { class: "muted" }, [current.strength, current.route].filter(Boolean).join(" · ")),
          current.time_critical ? h("span", { class: "chip tone-late" }, icon("clock"), t("medication.time_critical")) : null),
        h("p", {}, `${current.dose}, ${when(current)}${current.dmd_code ? ` · dm+d ${current.dmd_code}` : ""}`),
        current.instructions ? h("p", { class: "hint" }, current.instructions) : null,
        h("details", {}, h("summary", {}, t("medication.history", { n: m.versions.length })),
          h("ul", {}, m.versions.map(versionLine))),
        change);
    });
    replace(root,
      h("nav", { class: "toolbar", "aria-label": t("common.desk") }, h("a", { class: "btn", href: "#/coordinator" }, t("common.back_to_roster"))),
      h("h1", { id: "medication-title" }, t("medication.title", { name: client.name })),
      status,
      user.role === "provider_admin" ? consentToggle(client, status) : null,
      h("section", { class: "panel", "aria-label": t("medication.mar") }, h("h2", {}, icon("download"), t("medication.monthly_chart")), chart),
      medicines.length ? h("ul", { class: "medicines" }, rows) : h("p", { class: "muted" }, t("medication.none")),
      medicineForm(editing, save));
  }

  await draw();
}
