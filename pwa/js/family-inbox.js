// How many of families' messages to the office nobody has read yet: a badge on the roster's Messages button and
// on the message log's "From families" tab, so the office notices them.
import * as api from "./api.js";
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

export async function loadUnread() {
  return (await api.get("/api/v1/family-messages", { unread: true })).length;
}

/** A badge for a button or tab, hidden until showUnread gives it a count. */
export function unreadBadge() {
  return h("span", { class: "count unread-badge", hidden: true });
}

/** The count, read out as "3 unread"; hidden when there is none. */
export function showUnread(badge, n) {
  replace(badge, h("span", { "aria-hidden": "true" }, String(n)),
    h("span", { class: "visually-hidden" }, ` ${t("coord.messages.family.unreadCount", { n })}`));
  badge.hidden = !n;
}
