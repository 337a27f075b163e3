// Delay notifications on this device: a Web Push subscription made with the server's VAPID key.
import * as api from "./api.js";
import { t } from "./i18n.js";

function keyBytes(base64url) {
  const padded = `${base64url}${"=".repeat((4 - (base64url.length % 4)) % 4)}`.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** "unsupported" | "denied" | "on" | "off" */
export async function state() {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  return sub ? "on" : "off";
}

export async function subscribe() {
  const body = await api.get("/api/v1/notify/vapid-public-key");
  const key = body.public_key || body.key || body.vapid_public_key;
  const permission = await Notification.requestPermission();
  if (permission !== "granted") throw new Error(t("shell.push_not_allowed"));
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const json = sub.toJSON();
  await api.post("/api/v1/notify/push-subscriptions", { endpoint: json.endpoint, keys: json.keys });
  return sub;
}

export async function unsubscribe() {
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (sub) await sub.unsubscribe();
}
