// Clients' homes and workers' last known positions, drawn as a plain SVG plot (no map tiles, no
// third-party script), with the same facts as a list for anyone not using the picture.
import { h, s } from "./dom.js";
import { formatTime } from "./time.js";

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 6371000 * 2 * Math.asin(Math.sqrt(x));
}

function initials(name) {
  return name.split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
}

export function renderMap({ clients, workers }) {
  const seen = workers.filter((w) => w.last_lat !== null && w.last_lat !== undefined);
  const points = [...clients.map((c) => ({ lat: c.lat, lon: c.lon })), ...seen.map((w) => ({ lat: w.last_lat, lon: w.last_lon }))];
  if (!points.length) return h("p", { class: "muted" }, "No positions to show yet.");
  const W = 600;
  const H = 320;
  const pad = 40;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const kx = Math.cos((midLat * Math.PI) / 180);
  const spanX = Math.max((Math.max(...lons) - Math.min(...lons)) * kx, 0.002);
  const spanY = Math.max(Math.max(...lats) - Math.min(...lats), 0.002);
  const scale = Math.min((W - 2 * pad) / spanX, (H - 2 * pad) / spanY);
  const cx = (Math.min(...lons) + Math.max(...lons)) / 2;
  const cy = midLat;
  const project = (lat, lon) => [W / 2 + (lon - cx) * kx * scale, H / 2 - (lat - cy) * scale];
  const kmBar = 1000 / 111320 * scale; // one kilometre in pixels (latitude degrees are ~111.3 km)

  const plot = s("svg", { class: "map", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Plot of ${clients.length} client homes and ${seen.length} workers' last positions; the list beside it gives the same facts.` },
    clients.map((c) => {
      const [x, y] = project(c.lat, c.lon);
      return s("g", {}, s("rect", { x: x - 5, y: y - 5, width: 10, height: 10, fill: "#45514f" }, s("title", {}, `${c.name}, ${c.address}`)));
    }),
    seen.map((w) => {
      const [x, y] = project(w.last_lat, w.last_lon);
      return s("g", {},
        s("circle", { cx: x, cy: y, r: 13, fill: "#1f5fb4", "fill-opacity": "0.85", stroke: "#fff", "stroke-width": 2 }, s("title", {}, `${w.name}, seen ${formatTime(w.last_seen_at)}`)),
        s("text", { x, y: y + 4.5, "text-anchor": "middle", "font-size": "12", "font-weight": "700", fill: "#fff" }, initials(w.name)));
    }),
    kmBar < W / 2 ? s("g", {},
      s("line", { x1: 15, y1: H - 12, x2: 15 + kmBar, y2: H - 12, stroke: "#161c1b", "stroke-width": 3 }),
      s("text", { x: 15, y: H - 19, "font-size": "12", fill: "#161c1b" }, "1 km")) : null);
  const key = h("p", { class: "map-key", "aria-hidden": "true" },
    h("span", {}, h("i", { class: "key-home" }), "client's home"),
    h("span", {}, h("i", { class: "key-worker" }), "worker, last seen (initials)"));

  const list = h("ul", { class: "plain-list map-list", "aria-label": "Workers' last known positions" },
    workers.map((w) => {
      if (w.last_lat === null || w.last_lat === undefined) return h("li", {}, h("strong", {}, w.name), ": no position yet");
      const nearest = clients.map((c) => [c, metres({ lat: w.last_lat, lon: w.last_lon }, c)]).sort((a, b) => a[1] - b[1])[0];
      return h("li", {}, h("strong", {}, w.name), `: seen ${formatTime(w.last_seen_at)}`,
        nearest ? `, ${nearest[1] < 1000 ? `${Math.round(nearest[1])} m` : `${(nearest[1] / 1000).toFixed(1)} km`} from ${nearest[0].name}` : "");
    }));
  return h("div", { class: "map-wrap" }, h("div", {}, plot, key), list);
}
