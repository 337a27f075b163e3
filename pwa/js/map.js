// Clients' homes and workers' last known positions: drawn over map tiles when a tile server is configured
// and answers, and always written out as a plain list, which is all there is when tiles cannot load.
// Tile maths is our own (tiles.js): no third-party script.
import { h, message, replace, s } from "./dom.js";
import { formatTime } from "./time.js";
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

function factsList(clients, workers) {
  return h("ul", { class: "plain-list map-list", "aria-label": "Workers' last known positions" },
    workers.map((w) => {
      if (!located(w)) return h("li", {}, h("strong", {}, w.name), ": no position yet");
      const nearest = clients.map((c) => [c, metres({ lat: w.last_lat, lon: w.last_lon }, c)]).sort((a, b) => a[1] - b[1])[0];
      return h("li", {}, h("strong", {}, w.name), `: seen ${formatTime(w.last_seen_at)}`,
        nearest ? `, ${distance(nearest[1])} from ${nearest[0].name}` : "");
    }));
}

function scaleBar(view, lat) {
  const metresPerPixel = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (TILE * 2 ** view.z);
  const m = SCALES_M.find((d) => d / metresPerPixel <= W / 4) || SCALES_M.at(-1);
  const px = m / metresPerPixel;
  return s("g", {},
    s("rect", { x: 8, y: H - 34, width: px + 16, height: 28, fill: "#fff", "fill-opacity": "0.85" }),
    s("line", { x1: 16, y1: H - 12, x2: 16 + px, y2: H - 12, stroke: "#161c1b", "stroke-width": 3 }),
    s("text", { x: 16, y: H - 18, "font-size": "12", fill: "#161c1b" }, distance(m)));
}

/** Tiles with the markers on top; onFail() when any tile cannot load, onReady() when all have. */
function tileMap(settings, clients, seen, { onReady, onFail }) {
  const points = [...clients.map((c) => ({ lat: c.lat, lon: c.lon })), ...seen.map((w) => ({ lat: w.last_lat, lon: w.last_lon }))];
  const view = fitView(points, W, H, PAD);
  const tiles = tilesFor(view);
  let waiting = tiles.length;
  const images = tiles.map((t) => {
    const img = s("image", { x: t.left, y: t.top, width: TILE, height: TILE, preserveAspectRatio: "none", dataset: { tile: `${t.z}/${t.x}/${t.y}` } });
    img.addEventListener("load", () => { waiting -= 1; if (waiting === 0) onReady(); }, { once: true });
    img.addEventListener("error", onFail, { once: true });
    img.setAttribute("href", tileUrl(settings.map_tile_url, t));
    return img;
  });
  const homes = clients.map((c) => {
    const [x, y] = project(view, c.lat, c.lon);
    return s("g", { class: "marker-home", dataset: { clientId: c.id, x, y } },
      s("rect", { x: x - 7, y: y - 7, width: 14, height: 14, fill: "#45514f", stroke: "#fff", "stroke-width": 2 }, s("title", {}, `${c.name}, ${c.address}`)));
  });
  const carers = seen.map((w) => {
    const [x, y] = project(view, w.last_lat, w.last_lon);
    return s("g", { class: "marker-worker", dataset: { workerId: w.id, x, y } },
      s("circle", { cx: x, cy: y, r: 13, fill: "#1f5fb4", stroke: "#fff", "stroke-width": 2 }, s("title", {}, `${w.name}, seen ${formatTime(w.last_seen_at)}`)),
      s("text", { x, y: y + 4.5, "text-anchor": "middle", "font-size": "12", "font-weight": "700", fill: "#fff" }, initials(w.name)));
  });
  const svgEl = s("svg", {
    class: "map", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `Map of ${clients.length} client homes and ${seen.length} workers' last positions; the list gives the same facts.`,
  }, images, homes, carers, scaleBar(view, points[0].lat));
  return h("figure", { class: "map-figure", dataset: { state: "loading", zoom: view.z } },
    svgEl,
    h("figcaption", { class: "map-key" },
      h("span", { "aria-hidden": "true" }, h("i", { class: "key-home" }), "client's home"),
      h("span", { "aria-hidden": "true" }, h("i", { class: "key-worker" }), "worker, last seen (initials)"),
      settings.map_tile_attribution ? h("span", { class: "map-credit" }, `Map: ${settings.map_tile_attribution}`) : null));
}

export function renderMap({ clients, workers, settings = {} }) {
  const seen = workers.filter(located);
  const list = factsList(clients, workers);
  if (!clients.length && !workers.length) return h("p", { class: "muted" }, "No positions to show yet.");
  if (!settings.map_tile_url || !(clients.length || seen.length)) return h("div", { class: "map-wrap map-wrap--list" }, list);
  const wrap = h("div", { class: "map-wrap" });
  const slot = h("div", {});
  const figure = tileMap(settings, clients, seen, {
    onReady: () => { figure.dataset.state = "tiles"; },
    onFail: () => {
      if (figure.dataset.state === "failed") return;
      figure.dataset.state = "failed";
      wrap.classList.add("map-wrap--list");
      replace(slot, message("warn", "The map could not be loaded; the list shows where everyone is."));
    },
  });
  replace(slot, figure);
  return replace(wrap, slot, list);
}

/** A map drawn into box that is redrawn only when a position changes, so polling does not refetch tiles. */
export function mapPanel(box, settings) {
  let drawn = null;
  return ({ clients, workers }) => {
    const signature = JSON.stringify([
      clients.map((c) => [c.id, c.name, c.lat, c.lon]), workers.map((w) => [w.id, w.name, w.last_lat, w.last_lon, w.last_seen_at])]);
    if (signature === drawn) return;
    drawn = signature;
    replace(box, renderMap({ clients, workers, settings }));
  };
}
