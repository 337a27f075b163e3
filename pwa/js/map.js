// Clients' homes and workers' last known positions: drawn over map tiles when a tile server is configured
// and answers, else over a plain outline (a grid and postcode sectors) that needs no server, and always
// written out as a list too. Tile maths is our own (tiles.js): no third-party script.
import { h, message, replace, s } from "./dom.js";
import { shortDay } from "./day-names.js";
import { lang, t } from "./i18n.js";
import { formatTime, localDate } from "./time.js";
import { fitView, project, TILE, tilesFor, tileUrl } from "./tiles.js";

const W = 600;
const H = 320;
const PAD = 40;
const SCALES_M = [5000, 2000, 1000, 500, 200, 100];

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 6371000 * 2 * Math.asin(Math.sqrt(x));
}

function distance(m) {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

function initials(name) {
  return name.split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
}

const located = (w) => w.last_lat !== null && w.last_lat !== undefined;

/** The map's settings from the server: {map_tile_url, map_tile_attribution}; none when it cannot say. */
export async function tileSettings() {
  try {
    const res = await fetch("/config.json");
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}

/** When a worker was last seen, never later than now (a phone's clock can run fast), with the day unless today. */
export function seenText(iso, now = new Date()) {
  const at = new Date(Math.min(new Date(iso).getTime(), now.getTime()));
  const time = formatTime(at.toISOString());
  return localDate(at) === localDate(now) ? t("coord.map.seenAt", { time }) : t("coord.map.seenOn", { day: shortDay(at), time });
}

function factsList(clients, workers) {
  return h("ul", { class: "plain-list map-list", "aria-label": t("coord.map.positions") },
    workers.map((w) => {
      if (!located(w)) return h("li", {}, h("strong", {}, w.name), `: ${t("coord.map.noPosition")}`);
      const nearest = clients.map((c) => [c, metres({ lat: w.last_lat, lon: w.last_lon }, c)]).sort((a, b) => a[1] - b[1])[0];
      return h("li", { dataset: { workerId: w.id } }, h("strong", {}, w.name), `: ${seenText(w.last_seen_at)}`,
        nearest ? `, ${t("coord.map.from", { distance: distance(nearest[1]), client: nearest[0].name })}` : "");
    }));
}

function scaleBar(view, lat) {
  const perPixel = metresPerPixel(view, lat);
  const m = SCALES_M.find((d) => d / perPixel <= W / 4) || SCALES_M.at(-1);
  const px = m / perPixel;
  return s("g", {},
    s("rect", { x: 8, y: H - 34, width: px + 16, height: 28, fill: "#fff", "fill-opacity": "0.85" }),
    s("line", { x1: 16, y1: H - 12, x2: 16 + px, y2: H - 12, stroke: "#161c1b", "stroke-width": 3 }),
    s("text", { x: 16, y: H - 18, "font-size": "12", fill: "#161c1b" }, distance(m)));
}

function markers(view, clients, seen) {
  const homes = clients.map((c) => {
    const [x, y] = project(view, c.lat, c.lon);
    return s("g", { class: "marker-home", dataset: { clientId: c.id, x, y } },
      s("rect", { x: x - 7, y: y - 7, width: 14, height: 14, fill: "#45514f", stroke: "#fff", "stroke-width": 2 }, s("title", {}, `${c.name}, ${c.address}`)));
  });
  const carers = seen.map((w) => {
    const [x, y] = project(view, w.last_lat, w.last_lon);
    return s("g", { class: "marker-worker", dataset: { workerId: w.id, x, y } },
      s("circle", { cx: x, cy: y, r: 13, fill: "#1f5fb4", stroke: "#fff", "stroke-width": 2 }, s("title", {}, `${w.name}, ${seenText(w.last_seen_at)}`)),
      s("text", { x, y: y + 4.5, "text-anchor": "middle", "font-size": "12", "font-weight": "700", fill: "#fff" }, initials(w.name)));
  });
  return [homes, carers];
}

const metresPerPixel = (view, lat) => (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (TILE * 2 ** view.z);

/** The outline drawn where no tiles are: a kilometre-style grid fixed to the ground, and each postcode
 * sector's name at the middle of its homes, so a coordinator can still tell one side of town from the other. */
function outline(view, clients, lat) {
  const perPixel = metresPerPixel(view, lat);
  // The smallest round distance at least 70 px apart, so the grid reads as a scale without cluttering.
  const step = ([...SCALES_M].reverse().find((m) => m / perPixel >= 70) || SCALES_M[0]) / perPixel;
  const lines = [];
  // Lines at whole multiples of the step in world pixels, so they stay put when the view moves.
  for (let x = Math.ceil(view.left / step) * step - view.left; x < W; x += step) {
    lines.push(s("line", { x1: x, y1: 0, x2: x, y2: H, class: "grid-line" }));
  }
  for (let y = Math.ceil(view.top / step) * step - view.top; y < H; y += step) {
    lines.push(s("line", { x1: 0, y1: y, x2: W, y2: y, class: "grid-line" }));
  }
  const sectors = new Map();
  for (const c of clients) {
    const sector = (c.postcode || "").trim().toUpperCase().replace(/^(\S+)\s+(\d).*$/, "$1 $2");
    if (!sector) continue;
    sectors.set(sector, [...(sectors.get(sector) || []), project(view, c.lat, c.lon)]);
  }
  // Sectors with most homes first; a name that would sit on one already placed is left out, not overprinted.
  const placed = [];
  const labels = [...sectors].sort((a, b) => b[1].length - a[1].length).flatMap(([sector, points]) => {
    const x = points.reduce((sum, [px]) => sum + px, 0) / points.length;
    const y = points.reduce((sum, [, py]) => sum + py, 0) / points.length;
    if (placed.some(([px, py]) => Math.abs(px - x) < 60 && Math.abs(py - y) < 22)) return [];
    placed.push([x, y]);
    return [s("text", { x, y: y - 14, class: "postcode-label", "text-anchor": "middle", dataset: { postcode: sector } }, sector)];
  });
  return [s("rect", { x: 0, y: 0, width: W, height: H, fill: "#eef3f1" }), lines, labels];
}

function figureOf(view, state, drawing, clients, seen, credit) {
  const { lat } = view;
  const svgEl = s("svg", {
    class: "map", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": t("coord.map.label", { homes: clients.length, workers: seen.length }),
  }, drawing, markers(view, clients, seen), scaleBar(view, lat));
  return h("figure", { class: "map-figure", dataset: { state, zoom: view.z } },
    svgEl,
    h("figcaption", { class: "map-key" },
      h("span", { "aria-hidden": "true" }, h("i", { class: "key-home" }), t("coord.map.keyHome")),
      h("span", { "aria-hidden": "true" }, h("i", { class: "key-worker" }), t("coord.map.keyWorker")),
      credit ? h("span", { class: "map-credit" }, credit) : null));
}

function viewOf(clients, seen) {
  const points = [...clients.map((c) => ({ lat: c.lat, lon: c.lon })), ...seen.map((w) => ({ lat: w.last_lat, lon: w.last_lon }))];
  return { ...fitView(points, W, H, PAD), lat: points[0].lat };
}

/** The plain outline with the markers: needs no tile server, so a fresh install and the demo show a map. */
function vectorMap(clients, seen) {
  const view = viewOf(clients, seen);
  return figureOf(view, "vector", outline(view, clients, view.lat), clients, seen, t("coord.map.outlineCredit"));
}

/** Tiles with the markers on top; onFail() when any tile cannot load, onReady() when all have. */
function tileMap(settings, clients, seen, { onReady, onFail }) {
  const view = viewOf(clients, seen);
  const tiles = tilesFor(view);
  let waiting = tiles.length;
  const images = tiles.map((tile) => {
    const img = s("image", { x: tile.left, y: tile.top, width: TILE, height: TILE, preserveAspectRatio: "none", dataset: { tile: `${tile.z}/${tile.x}/${tile.y}` } });
    img.addEventListener("load", () => { waiting -= 1; if (waiting === 0) onReady(); }, { once: true });
    img.addEventListener("error", onFail, { once: true });
    img.setAttribute("href", tileUrl(settings.map_tile_url, tile));
    return img;
  });
  return figureOf(view, "loading", images, clients, seen,
    settings.map_tile_attribution ? t("coord.map.credit", { credit: settings.map_tile_attribution }) : null);
}

export function renderMap({ clients, workers, settings = {} }) {
  const seen = workers.filter(located);
  const list = factsList(clients, workers);
  if (!clients.length && !workers.length) return h("p", { class: "muted" }, t("coord.map.nothing"));
  if (!(clients.length || seen.length)) return h("div", { class: "map-wrap map-wrap--list" }, list);
  if (!settings.map_tile_url) return h("div", { class: "map-wrap" }, vectorMap(clients, seen), list);
  const wrap = h("div", { class: "map-wrap" });
  const slot = h("div", {});
  const figure = tileMap(settings, clients, seen, {
    onReady: () => { figure.dataset.state = "tiles"; },
    onFail: () => {
      if (figure.dataset.state === "failed") return;
      figure.dataset.state = "failed";
      replace(slot, message("warn", t("coord.map.tilesFailed")), vectorMap(clients, seen));
    },
  });
  replace(slot, figure);
  return replace(wrap, slot, list);
}

/** A map drawn into box that is redrawn only when a position changes, so polling does not refetch tiles. */
export function mapPanel(box, settings) {
  let drawn = null;
  return ({ clients, workers }) => {
    const signature = JSON.stringify([lang(),
      clients.map((c) => [c.id, c.name, c.lat, c.lon]), workers.map((w) => [w.id, w.name, w.last_lat, w.last_lon, w.last_seen_at])]);
    if (signature === drawn) return;
    drawn = signature;
    replace(box, renderMap({ clients, workers, settings }));
  };
}
