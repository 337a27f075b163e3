// The council officer's desk: pick contract, provider and period; download exports; read the KPIs as charts.
import { field, h, options } from "../dom.js";
import { feedQualitySection } from "../feed-quality.js";
import { contractsFor, downloadButton, renderKpiDesk } from "../kpi-desk.js";
import { t } from "../i18n.js";
import { FLAGS } from "../labels.js";

export async function render(main) {
  const contracts = await contractsFor(main);
  if (!contracts) return;
  const providers = [...new Map(contracts.map((c) => [c.provider_id, c.provider_name])).entries()];
  const contract = h("select", {}, h("option", { value: "" }, "All contracts"),
    options(contracts.map((c) => [c.id, `${c.reference} – ${c.provider_name}`])));
  const provider = h("select", {}, h("option", { value: "" }, "All providers"), options(providers));
  const flag = h("select", {}, h("option", { value: "" }, "All visits"), options(Object.entries(FLAGS)));
  contract.addEventListener("change", () => {
    const chosen = contracts.find((c) => String(c.id) === contract.value);
    if (chosen) provider.value = String(chosen.provider_id);
  });

  const payable = (q, status) => [
    h("h3", {}, "Payable time: one row per carer per visit, with non-contact work and totals"),
    h("p", { class: "item-actions" }, h("a", { class: "btn", href: "#/council/periods" }, "Closed periods: what a rule change would cost"),
      h("a", { class: "btn", href: "#/fair-pay" }, t("fairpay.link")),
      h("a", { class: "btn", href: "#/council/risk" }, t("commission.nav.risk")),
      h("a", { class: "btn", href: "#/council/zones" }, t("commission.nav.zones"))),
    h("div", { class: "downloads" }, [["CSV", "csv"], ["Excel", "xlsx"], ["JSON", "json"]].map(([label, format]) =>
      downloadButton(`Payable time (${label})`, "/api/v1/exports/visits", { ...q, format }, `caremon-payable.${format}`, status))),
  ];

  await renderKpiDesk(main, {
    title: "Commissioning: visits, payments and KPIs",
    filters: [field("Contract", contract), field("Provider", provider), field("Flagged", flag)],
    query: () => ({ contract_id: contract.value, provider_id: provider.value, flag: flag.value }),
    exports: payable,
    sections: (q) => [feedQualitySection(q)],
  });
}
