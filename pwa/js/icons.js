// Small line icons drawn as inline SVG, so status never depends on colour alone (or on a font's glyphs).
import { s } from "./dom.js";

const PATHS = {
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  cross: ["M6 6l12 12", "M18 6L6 18"],
  alert: ["M12 4v10", "M12 18.5v.5"],
  play: ["M8 5.5v13l10-6.5z"],
  clock: ["M12 3.5a8.5 8.5 0 1 0 0 17a8.5 8.5 0 1 0 0-17", "M12 7.5V12l3 2"],
  dash: ["M6 12h12"],
  upload: ["M12 16V5", "M7 10l5-5 5 5", "M5 19h14"],
  cloud: ["M7 18h10a4 4 0 0 0 .5-7.97A6 6 0 0 0 6 9.5 4.25 4.25 0 0 0 7 18z", "M9 13.5l2 2 4-4"],
  pin: ["M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0 1 13 0c0 4.8-6.5 11-6.5 11z", "M12 7.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5"],
  nopin: ["M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0 1 13 0c0 4.8-6.5 11-6.5 11z", "M4 4l16 16"],
  door: ["M6 20V4h10v16", "M4 20h16", "M13 12h.5"],
  camera: ["M4 8h3l2-2.5h6L17 8h3v11H4z", "M12 10.5a3 3 0 1 0 0 6a3 3 0 1 0 0-6"],
  nfc: ["M8 8.5a5 5 0 0 1 0 7", "M11 6a8.5 8.5 0 0 1 0 12", "M14 3.5a12 12 0 0 1 0 17"],
  qr: ["M4 4h6v6H4z", "M14 4h6v6h-6z", "M4 14h6v6H4z", "M14 14h2v2h-2z", "M18 18h2v2h-2z"],
  star: ["M12 3.5l2.6 5.5 6 .7-4.5 4.1 1.2 5.9L12 16.8 6.7 19.7l1.2-5.9L3.4 9.7l6-.7z"],
  bell: ["M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z", "M10 20.5h4"],
  download: ["M12 4v11", "M7 10.5l5 5 5-5", "M5 19.5h14"],
  user: ["M12 12a4 4 0 1 0 0-8a4 4 0 1 0 0 8", "M4.5 20a7.5 7.5 0 0 1 15 0"],
  phone: ["M6.5 3.5h3l1.5 4.5-2 1.5a11 11 0 0 0 5.5 5.5l1.5-2 4.5 1.5v3a2 2 0 0 1-2 2A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2-2z"],
  route: ["M6 19a2 2 0 1 0 0-4a2 2 0 1 0 0 4", "M18 9a2 2 0 1 0 0-4a2 2 0 1 0 0 4", "M8 17h7a3 3 0 0 0 0-6H9a3 3 0 0 1 0-6h7"],
  mail: ["M4 6h16v12H4z", "M4 7l8 6 8-6"],
  key: ["M8 15.5a3.5 3.5 0 1 0 0-7a3.5 3.5 0 1 0 0 7", "M11.5 12H20", "M17 12v3", "M20 12v2.5"],
};

export function icon(name, label) {
  const attrs = {
    class: "icon", viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", "stroke-width": "2.4",
    "stroke-linecap": "round", "stroke-linejoin": "round", focusable: "false",
  };
  if (label) Object.assign(attrs, { role: "img", "aria-label": label });
  else attrs["aria-hidden"] = "true";
  return s("svg", attrs, (PATHS[name] || PATHS.dash).map((d) => s("path", { d })));
}
