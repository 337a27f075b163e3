// Drawing a zone's polygon on a plain SVG over the clients' homes: select to add a point, undo, clear. Our own
// flat projection around the homes (map.js keeps the tiled map); positions come out as GeoJSON [lon, lat].
import { h, replace, s } from "./dom.js";
import { t } from "./i18n.js";

const W = 600;
const H = 360;
const PAD = 24;

function frame(points) {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  let [south, north, west, east] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  if (!points.length) [south, north, west, east] = [54.28, 54.38, -2.82, -2.68];
  const mid = (south + north) / 2;
  const kx = Math.cos((mid * Math.PI) / 180);
  // Equal metres both ways: widen whichever side is short so the drawing is not stretched.
  let spanX = Math.max((east - west) * kx, 0.01);
  let spanY = Math.max(north - south, 0.01);
  const ratio = (W - 2 * PAD) / (H - 2 * PAD);
  if (spanX / spanY < ratio) spanX = spanY * ratio; else spanY = spanX / ratio;
  const cx = (west + east) / 2;
  const cy = mid;
  const scale = (W - 2 * PAD) / spanX;
  return {
    toXY: (lon, lat) => [W / 2 + (lon - cx) * kx * scale, H / 2 - (lat - cy) * scale],
    toLonLat: (x, y) => [Number((cx + (x - W / 2) / (kx * scale)).toFixed(5)), Number((cy - (y - H / 2) / scale).toFixed(5))],
  };
}

/** A drawing pad; returns { node, polygon() -> GeoJSON or null, clear() }. homes: [{lat, lon}], zones: existing. */
export function zoneDrawing({ homes, zones }) {
  const corners = zones.flatMap((z) => (z.polygon ? z.polygon.coordinates[0].map(([lon, lat]) => ({ lon, lat })) : []));
  const view = frame([...homes, ...corners]);
  const points = [];
  const svg = s("svg", { class: "zone-pad", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": t("commission.zones.map_label", { n: homes.length }) });
  const count = h("span", { class: "muted", "aria-live": "polite" });
  const path = (coords, cls) => s("polygon", { class: cls, points: coords.map(([lon, lat]) => view.toXY(lon, lat).join(",")).join(" ") });

  function draw() {
    replace(svg,
      s("rect", { x: 0, y: 0, width: W, height: H, class: "zone-pad-bg" }),
      zones.filter((z) => z.polygon).map((z) => path(z.polygon.coordinates[0], "zone-existing")),
      homes.map((c) => { const [x, y] = view.toXY(c.lon, c.lat); return s("circle", { cx: x, cy: y, r: 3, class: "zone-home" }); }),
      points.length > 1 ? path(points, "zone-new") : null,
      points.map(([lon, lat]) => { const [x, y] = view.toXY(lon, lat); return s("circle", { cx: x, cy: y, r: 5, class: "zone-vertex" }); }));
    replace(count, t("commission.zones.points", { n: points.length }));
  }
  svg.addEventListener("click", (e) => {
    const box = svg.getBoundingClientRect();
    points.push(view.toLonLat(((e.clientX - box.left) / box.width) * W, ((e.clientY - box.top) / box.height) * H));
    draw();
  });
  const undo = h("button", { class: "btn btn--small", type: "button", onClick: () => { points.pop(); draw(); } }, t("commission.zones.undo"));
  const clear = () => { points.length = 0; draw(); };
  draw();
  return {
    node: h("div", { class: "zone-drawing" }, svg, h("div", { class: "item-actions" }, count, undo,
      h("button", { class: "btn btn--small", type: "button", onClick: clear }, t("commission.zones.clear")))),
    polygon: () => (points.length >= 3 ? { type: "Polygon", coordinates: [[...points, points[0]]] } : null),
    clear,
  };
}
