// A client's medication list for coordinators and provider admins: each medicine's current version and its
// history (who changed it, when, why), a form to add one or record a change, and the month's MAR chart as a PDF.
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { icon } from "../icons.js";
import { localDate } from "../time.js";

const ROUTES = ["oral", "sublingual", "buccal", "inhaled", "topical", "transdermal", "eye", "ear", "nasal", "rectal",
  "vaginal", "subcutaneous", "intramuscular", "enteral_tube", "other"];

function when(v) {
  if (v.prn) {
    const limits = [v.prn_max_per_day && `at most ${v.prn_max_per_day} a day`,
      v.prn_min_interval_minutes && `${v.prn_min_interval_minutes} min apart`].filter(Boolean);
    return `as required${limits.length ? ` (${limits.join(", ")})` : ""}`;
  }
  const parts = [...v.times, ...v.visit_pattern_ids.map((id) => `visits of pattern ${id}`)];
  return `${parts.join(", ")}${v.weekdays ? ` on days ${v.weekdays.join(", ")}` : " daily"}`;
}

function versionLine(v) {
  return h("li", {}, `v${v.number} from ${v.starts_on}${v.ends_on ? ` to ${v.ends_on}` : ""}: ${v.dose}, ${when(v)} – `,
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
    h("h2", {}, current ? `Change ${current.name}` : "Add a medicine"),
    h("div", { class: "filters" },
      field("Name", name), field("NHS dm+d code (optional)", dmd), field("Strength", strength), field("Dose", dose),
      field("Route", route), field("Due at local times", times, "HH:MM, separated by commas"),
      h("label", { class: "check" }, critical, "Time-critical"), h("label", { class: "check" }, prn, "As required (PRN)"),
      field("PRN: most a day", maxPerDay), field("Instructions", instructions), field("From", starts),
      field("Until (stop date)", ends), field(current ? "Why it changed" : "Reason (optional)", reason)),
    h("button", { class: "btn btn--primary", type: "submit" }, current ? "Save change" : "Add medicine"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    onSave({
      name: name.value.trim(), dmd_code: dmd.value.trim() || null, strength: strength.value.trim() || null,
      dose: dose.value.trim(), route: route.value, instructions: instructions.value.trim() || null,
      times: prn.checked ? [] : times.value.split(",").map((t) => t.trim()).filter(Boolean),
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
      replace(status, message("ok", box.checked ? "Family members can now see dose outcomes." : "Dose outcomes are no longer shown to family."));
    } catch (err) {
      box.checked = !box.checked;
      replace(status, message("error", err.message));
    }
  });
  return h("label", { class: "check" }, box, "The client agrees that their family may see which doses were given or refused");
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
      replace(status, message("ok", editing ? `Saved the change to ${body.name}.` : `Added ${body.name}.`));
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
      replace(root, message("error", err.status === 404 ? "This client is not one of yours." : err.message));
      return;
    }
    const month = h("input", { type: "month", value: localDate().slice(0, 7) });
    const pdf = h("button", { class: "btn", type: "button" }, icon("download"), "MAR chart (PDF)");
    pdf.addEventListener("click", () => api.download(`/api/v1/clients/${clientId}/mar.pdf`, { month: month.value },
      `mar-${month.value}.pdf`)
      .then((file) => replace(status, message("ok", `Downloaded ${file.name}.`)))
      .catch((err) => replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message))));
    const chart = h("div", { class: "filters" }, field("Month", month), h("div", {}, pdf));
    const rows = medicines.map((m) => {
      const current = m.versions[m.versions.length - 1];
      const change = h("button", { class: "btn btn--small", type: "button" }, "Change");
      change.addEventListener("click", () => { editing = { id: m.id, ...current }; draw(); });
      return h("li", { class: "panel medicine", dataset: { medication: m.id } },
        h("h3", {}, current.name, " ", h("span", { class: "muted" }, [current.strength, current.route].filter(Boolean).join(" · ")),
          current.time_critical ? h("span", { class: "chip tone-late" }, icon("clock"), "Time-critical") : null),
        h("p", {}, `${current.dose}, ${when(current)}${current.dmd_code ? ` · dm+d ${current.dmd_code}` : ""}`),
        current.instructions ? h("p", { class: "hint" }, current.instructions) : null,
        h("details", {}, h("summary", {}, `History (${m.versions.length} version${m.versions.length === 1 ? "" : "s"})`),
          h("ul", {}, m.versions.map(versionLine))),
        change);
    });
    replace(root,
      h("nav", { class: "toolbar", "aria-label": "Desk" }, h("a", { class: "btn", href: "#/coordinator" }, "Back to today's roster")),
      h("h1", { id: "medication-title" }, `Medication: ${client.name}`),
      status,
      user.role === "provider_admin" ? consentToggle(client, status) : null,
      h("section", { class: "panel", "aria-label": "MAR chart" }, h("h2", {}, icon("download"), "Monthly administration chart"), chart),
      medicines.length ? h("ul", { class: "medicines" }, rows) : h("p", { class: "muted" }, "No medicines on the list yet."),
      medicineForm(editing, save));
  }

  await draw();
}
