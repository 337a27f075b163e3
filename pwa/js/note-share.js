// The carer's choice to share a visit note with the family's care log (seen only where the client agrees).
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** { node, fields() }: the toggle, unticked by default, and what it adds to the note event. */
export function shareToggle() {
  const box = h("input", { type: "checkbox", name: "shareable" });
  const node = h("div", { class: "share-note" },
    h("label", { class: "check" }, box, t("worker.share_note")),
    h("p", { class: "hint" }, t("worker.share_note_hint")));
  return { node, fields: () => (box.checked ? { shareable: true } : {}) };
}
