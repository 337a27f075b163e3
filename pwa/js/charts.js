// KPI charts drawn as inline SVG, each with its numbers written beside it (colour is never the only key).
import { h, nextId, s } from "./dom.js";

// Fills chosen for contrast against white and against each other; labels carry the meaning.
export const PALETTE = ["#0b4f4a", "#1f5fb4", "#b3201c", "#4a0d0d", "#7a5a00", "#5b3f8c", "#45514f"];
const INK = "#161c1b";
const MUTED = "#45514f";

/** Room for the longest label at the given font size (SVG text is not measured before it is drawn). */
function labelWidth(labels, fontSize) {
  return Math.ceil(Math.max(40, ...labels.map((l) => String(l).length * fontSize * 0.58)) + 12);
}

function figure(title, svgEl, numbers, note, kind = "") {
  const id = nextId("chart");
  svgEl.setAttribute("aria-labelledby", `${id}-title`);
  svgEl.setAttribute("role", "img");
  return h("figure", { class: `chart${kind ? ` chart--${kind}` : ""}` },
    h("figcaption", { id: `${id}-title` }, title),
    svgEl,
    note ? h("p", { class: "hint" }, note) : null,
    h("dl", { class: "numbers" }, numbers.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])));
}

export function fmt(value, unit = "") {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded.toLocaleString("en-GB")}${unit}`;
}

/** Horizontal bars: rows [{label, value, text?}], one bar each, the value printed at the bar's end. */
export function barChart({ title, rows, unit = "", max, note }) {
  const top = Math.max(max ?? 0, ...rows.map((r) => r.value || 0), 1);
  const rowH = 30;
  const labelW = Math.min(320, labelWidth(rows.map((r) => r.label), 14));
  const width = 560;
  const valueW = Math.min(280, labelWidth(rows.map((r) => r.text ?? fmt(r.value, unit)), 15)); // bold figures run wider
  const barW = width - labelW - valueW;
  const height = rows.length * rowH + 10;
  const svgEl = s("svg", { viewBox: `0 0 ${width} ${height}` },
    rows.map((r, i) => {
      const y = 5 + i * rowH;
      const w = Math.max(r.value ? 2 : 0, ((r.value || 0) / top) * barW);
      return s("g", {},
        s("text", { x: labelW - 8, y: y + 19, "text-anchor": "end", "font-size": "14", fill: INK }, r.label),
        s("rect", { x: labelW, y: y + 4, width: barW, height: rowH - 10, fill: "#e9eeed" }),
        s("rect", { x: labelW, y: y + 4, width: w, height: rowH - 10, fill: r.color || PALETTE[0] }),
        s("text", { x: labelW + w + 6, y: y + 19, "font-size": "14", "font-weight": "700", fill: INK }, r.text ?? fmt(r.value, unit)));
    }));
  return figure(title, svgEl, rows.map((r) => [r.label, r.text ?? fmt(r.value, unit)]), note);
}

/** 100% stacked bars: rows [{label, parts: {key: value}}], keys [[key, label]]; the legend names each part. */
export function stackedChart({ title, rows, keys, totals, note }) {
  const rowH = 34;
  const labelW = labelWidth(rows.map((r) => r.label), 13);
  const width = 560;
  const barW = width - labelW - 10;
  const legendH = 26 * Math.ceil(keys.length / 3);
  const height = rows.length * rowH + legendH + 10;
  const bars = rows.map((r, i) => {
    const y = 5 + i * rowH;
    const sum = keys.reduce((acc, [k]) => acc + (r.parts[k] || 0), 0);
    let x = labelW;
    const segments = keys.map(([k, label], j) => {
      const v = r.parts[k] || 0;
      const w = sum ? (v / sum) * barW : 0;
      const seg = s("g", {},
        s("rect", { x, y: y + 4, width: w, height: rowH - 10, fill: PALETTE[j % PALETTE.length] },
          s("title", {}, `${r.label}: ${label} ${v}`)),
        w > 34 ? s("text", { x: x + w / 2, y: y + 22, "text-anchor": "middle", "font-size": "12", "font-weight": "700", fill: "#fff" },
          `${Math.round((v / sum) * 100)}%`) : null);
      x += w;
      return seg;
    });
    return s("g", {},
      s("text", { x: labelW - 8, y: y + 22, "text-anchor": "end", "font-size": "13", fill: INK }, r.label),
      sum ? segments : s("text", { x: labelW, y: y + 22, "font-size": "13", fill: MUTED }, "nothing due"));
  });
  const legendY = rows.length * rowH + 14;
  const legend = keys.map(([, label], j) => {
    const lx = 10 + (j % 3) * 180;
    const ly = legendY + Math.floor(j / 3) * 26;
    return s("g", {},
      s("rect", { x: lx, y: ly, width: 14, height: 14, fill: PALETTE[j % PALETTE.length] }),
      s("text", { x: lx + 20, y: ly + 12, "font-size": "13", fill: INK }, label));
  });
  const svgEl = s("svg", { viewBox: `0 0 ${width} ${height}` }, bars, legend);
  return figure(title, svgEl, keys.map(([k, label]) => [label, totals ? fmt(totals[k]) : ""]), note);
}

/** A ring showing one share (0-100), the number in its middle. */
export function gauge({ title, value, caption, numbers = [] }) {
  const r = 52;
  const c = 2 * Math.PI * r;
  const share = value === null || value === undefined ? 0 : Math.max(0, Math.min(100, value));
  const svgEl = s("svg", { viewBox: "0 0 160 140" },
    s("circle", { cx: 80, cy: 70, r, fill: "none", stroke: "#e1e7e6", "stroke-width": 16 }),
    s("circle", {
      cx: 80, cy: 70, r, fill: "none", stroke: PALETTE[0], "stroke-width": 16,
      "stroke-dasharray": `${(share / 100) * c} ${c}`, transform: "rotate(-90 80 70)",
    }),
    s("text", { x: 80, y: 78, "text-anchor": "middle", "font-size": "24", "font-weight": "800", fill: INK }, fmt(value, "%")));
  return figure(title, svgEl, [[caption, fmt(value, "%")], ...numbers], null, "gauge");
}

/** Columns over time: points [{label, value}], e.g. one per week. */
export function columnChart({ title, points, unit = "", note }) {
  const width = 560;
  const height = 200;
  const base = 170;
  const top = Math.max(...points.map((p) => p.value || 0), 1);
  const slot = (width - 40) / Math.max(points.length, 1);
  const colW = Math.min(48, slot * 0.6);
  const svgEl = s("svg", { viewBox: `0 0 ${width} ${height}` },
    s("line", { x1: 30, y1: base, x2: width - 10, y2: base, stroke: MUTED }),
    points.map((p, i) => {
      const x = 35 + i * slot + (slot - colW) / 2;
      const hgt = ((p.value || 0) / top) * 130;
      return s("g", {},
        s("rect", { x, y: base - hgt, width: colW, height: hgt, fill: PALETTE[1] }),
        s("text", { x: x + colW / 2, y: base - hgt - 6, "text-anchor": "middle", "font-size": "13", "font-weight": "700", fill: INK },
          fmt(p.value, unit)),
        s("text", { x: x + colW / 2, y: base + 18, "text-anchor": "middle", "font-size": "12", fill: INK }, p.label));
    }));
  return figure(title, svgEl, points.map((p) => [p.label, fmt(p.value, unit)]), note);
}

/** A small line over time on a fixed scale (e.g. outcome scores 1-5): points [{label, value, text?}]. */
export function lineChart({ title, points, min, max, unit = "", note }) {
  const width = 300;
  const height = 150;
  const left = 26;
  const right = 12;
  const top = 18;
  const base = 120;
  const inset = 16; // keeps the first and last points' figures clear of the axis labels and the edge
  const step = points.length > 1 ? (width - left - right - 2 * inset) / (points.length - 1) : 0;
  const x = (i) => (points.length > 1 ? left + inset + i * step : (left + width - right) / 2);
  const y = (v) => base - ((v - min) / (max - min || 1)) * (base - top);
  const ticks = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const svgEl = s("svg", { viewBox: `0 0 ${width} ${height}` },
    ticks.map((t) => s("g", {},
      s("line", { x1: left, y1: y(t), x2: width - right, y2: y(t), stroke: "#d5dcda" }),
      s("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", "font-size": "11", fill: MUTED }, String(t)))),
    points.length > 1 ? s("polyline", {
      points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(" "), fill: "none", stroke: PALETTE[1], "stroke-width": 3,
    }) : null,
    points.map((p, i) => s("g", {},
      s("circle", { cx: x(i), cy: y(p.value), r: 5, fill: PALETTE[1], stroke: "#fff", "stroke-width": 2 }),
      s("text", { x: x(i), y: y(p.value) - 9, "text-anchor": "middle", "font-size": "12", "font-weight": "700", fill: INK },
        fmt(p.value, unit)))),
    [...new Set([0, points.length - 1])].filter((i) => points[i]).map((i) => s("text", {
      x: x(i), y: base + 18, "font-size": "11", fill: INK,
      "text-anchor": points.length === 1 ? "middle" : i === 0 ? "start" : "end",
    }, points[i].label)));
  return figure(title, svgEl, points.map((p) => [p.label, p.text ?? fmt(p.value, unit)]), note, "line");
}

/** The numbers as a table, for lists too long or too detailed for a chart. */
export function table({ caption, head, rows, note }) {
  return h("div", { class: "table-wrap" },
    h("table", { class: "data" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((col) => h("th", { scope: "col" }, col)))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) =>
        h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, dataset: { label: head[i] } }, cell)))))),
    note ? h("p", { class: "hint" }, note) : null);
}
