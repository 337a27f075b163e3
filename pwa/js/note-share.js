// The carer's choice to share a visit note with the family's care log (seen only where the client agrees).
import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * { node, fields() }: the toggle, unticked by default, and what it adds to the note event. It survives the visit
 * screen's redraws (data-keep) but not a saved note: fields() unticks it, so the next note is private again.
 */
export function shareToggle() {
  const box = h("input", { type: "checkbox", name: "shareable", dataset: { keep: "note-share" } });
  const node = h("div", { class: "share-note" },
    h("label", { class: "check" }, box, t("worker.share_note")),
    h("p", { class: "hint" }, t("worker.share_note_hint")));
  return {
    node,
    fields() {
      const shared = box.checked;
      box.checked = false;
      return shared ? { shareable: true } : {};
    },
  };
}
