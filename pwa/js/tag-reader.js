// Reading the tag fixed in a client's home: its QR code through the camera (the browser's
// BarcodeDetector where it has one, else the jsQR decoder shipped in vendor/), or its NFC sticker
// (Web NFC). Only reads: the payload is judged by the server when the event arrives.
import { t } from "./i18n.js";

const SCAN_EVERY_MS = 200;
let jsQRLoading = null;

export const canScan = () => Boolean(navigator.mediaDevices?.getUserMedia);
export const canTap = () => "NDEFReader" in window;

/** The first QR payload seen by the camera shown in `video`; stops the camera when found or aborted. */
export async function scanQr(video, signal) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  const stop = () => stream.getTracks().forEach((track) => track.stop());
  signal.addEventListener("abort", stop, { once: true });
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute("playsinline", "");
    await video.play();
    const decode = await decoder();
    while (!signal.aborted) {
      const found = video.readyState >= 2 ? await decode(video) : null;
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, SCAN_EVERY_MS));
    }
    return null;
  } finally {
    stop();
  }
}

/** The text record of the next NFC sticker tapped. */
export async function readNfc(signal) {
  const reader = new window.NDEFReader();
  await reader.scan({ signal });
  return new Promise((resolve, reject) => {
    reader.addEventListener("reading", ({ message }) => {
      const text = message.records.find((r) => r.recordType === "text" || r.recordType === "url");
      if (text) resolve(new TextDecoder(text.encoding || "utf-8").decode(text.data));
    });
    reader.addEventListener("readingerror", () => reject(new Error(t("confirm.sticker_unreadable"))));
    signal.addEventListener("abort", () => resolve(null), { once: true });
  });
}

/** Writes the payload to a blank sticker (the coordinator's phone, when issuing a tag). */
export async function writeNfc(payload) {
  await new window.NDEFReader().write({ records: [{ recordType: "text", data: payload }] });
}

async function decoder() {
  if ("BarcodeDetector" in window) {
    const formats = await window.BarcodeDetector.getSupportedFormats?.() ?? [];
    if (formats.includes("qr_code")) {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return async (video) => (await detector.detect(video))[0]?.rawValue || null;
    }
  }
  const jsQR = await loadJsQR();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data || null;
  };
}

/** jsQR is a classic script (UMD), loaded from the app's own origin on first use. */
function loadJsQR() {
  jsQRLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/jsQR.js";
    script.onload = () => resolve(window.jsQR);
    script.onerror = () => { jsQRLoading = null; reject(new Error(t("confirm.qr_decoder"))); };
    document.head.append(script);
  });
  return jsQRLoading;
}
