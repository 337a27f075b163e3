// Placing a home's pin on a map: the configured tiles (tiles.js maths) under a pin that a click or tap moves,
// and the arrow keys nudge; + and − zoom. The latitude and longitude fields beside it stay the record, so
// without tiles the admin types them or finds the address instead.
import { h, message, replace, s } from "./dom.js";
import { t } from "./i18n.js";
import { project, TILE, tilesFor, tileUrl, worldPixel } from "./tiles.js";

const W = 600;
const H = 340;
const MIN_ZOOM = 5;
const MAX_ZOOM = 18;
const NUDGE_PX = 4;

/** The lat/lon under a pixel of the view (inverse Web Mercator). */
function unproject(view, x, y) {
  const size = TILE * 2 ** view.z;
  const wx = x + view.left;
  const wy = y + view.top;
  const n = Math.PI - (2 * Math.PI * wy) / size;
  return { lat: (180 / Math.PI) * Math.atan(Math.sinh(n)), lon: (wx / size) * 360 - 180 };
}

function centred(lat, lon, z) {
  const [x, y] = worldPixel(lat, lon, z);
  return { z, left: x - W / 2, top: y - H / 2, width: W, height: H };
}

const round6 = (n) => Math.round(n * 1e6) / 1e6;

/**
 * pinMap({settings, point, centre, onPick}) -> {element, setPoint(lat, lon)}.
 * point: the pin ({lat, lon}) or null; centre: where to look when there is no pin yet.
 */
export function pinMap({ settings, point, centre, onPick }) {
  const box = h("div", { class: "pin-map" });
  if (!settings.map_tile_url) {
    replace(box, message("warn", t("admin.pin.noTiles")));
    return { element: box, setPoint: () => {} };
  }
  let pin = point;
  let view = centred((pin || centre).lat, (pin || centre).lon, pin ? 17 : 13);

  const pick = (lat, lon) => {
    pin = { lat: round6(lat), lon: round6(lon) };
    onPick(pin.lat, pin.lon);
    draw();
  };
  const zoom = (step) => {
    const at = pin || unproject(view, W / 2, H / 2);
    view = centred(at.lat, at.lon, Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.z + step)));
    draw();
  };
  const svg = s("svg", { class: "map pin-map-svg", viewBox: `0 0 ${W} ${H}`, tabindex: "0", role: "application",
    "aria-label": t("admin.pin.label") });
  svg.addEventListener("click", (e) => {
    const rect = svg.getBoundingClientRect();
    pick(...Object.values(unproject(view, ((e.clientX - rect.left) * W) / rect.width, ((e.clientY - rect.top) * H) / rect.height)));
  });
  svg.addEventListener("keydown", (e) => {
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    if (e.key === "+" || e.key === "=") zoom(1);
    else if (e.key === "-") zoom(-1);
    else if (moves[e.key]) {
      const [x, y] = pin ? project(view, pin.lat, pin.lon) : [W / 2, H / 2];
      const { lat, lon } = unproject(view, x + moves[e.key][0] * NUDGE_PX, y + moves[e.key][1] * NUDGE_PX);
      pick(lat, lon);
    } else return;
    e.preventDefault();
  });
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const controls = h("div", { class: "item-actions" },
    h("button", { class: "btn btn--small", type: "button", "aria-label": t("admin.pin.zoomIn"), onclick: () => zoom(1) }, "+"),
    h("button", { class: "btn btn--small", type: "button", "aria-label": t("admin.pin.zoomOut"), onclick: () => zoom(-1) }, "−"));

  function draw() {
    const images = tilesFor(view).map((tile) => {
      const img = s("image", { x: tile.left, y: tile.top, width: TILE, height: TILE, preserveAspectRatio: "none" });
      img.addEventListener("error", () => replace(status, t("admin.pin.tilesFailed")), { once: true });
      img.setAttribute("href", tileUrl(settings.map_tile_url, tile));
      return img;
    });
    const marker = pin ? (() => {
      const [x, y] = project(view, pin.lat, pin.lon);
      return s("g", { class: "pin-marker", dataset: { x, y } },
        s("path", { d: `M${x} ${y}l-9 -16a10 10 0 1 1 18 0z`, fill: "#b3261e", stroke: "#fff", "stroke-width": 2 }),
        s("circle", { cx: x, cy: y - 21, r: 3.5, fill: "#fff" }));
    })() : null;
    replace(svg, images, marker);
    replace(status, pin ? t("admin.pin.placed", { lat: pin.lat, lon: pin.lon }) : t("admin.pin.place"));
  }
  draw();
  replace(box, h("figure", { class: "map-figure" }, svg,
    h("figcaption", { class: "map-key" }, controls,
      settings.map_tile_attribution ? h("span", { class: "map-credit" }, t("admin.pin.credit", { who: settings.map_tile_attribution })) : null)),
  status);
  return {
    element: box,
    /** Move the pin (a found address, typed coordinates) and look there. */
    setPoint(lat, lon) {
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
      pin = { lat, lon };
      view = centred(lat, lon, Math.max(view.z, 16));
      draw();
    },
  };
}
