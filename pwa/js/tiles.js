// Web Mercator ("slippy map") tiles: which 256-pixel tiles cover a view, and where a lat/lon falls on them.
export const TILE = 256;
const MAX_ZOOM = 17;
const SINGLE_POINT_ZOOM = 15;

/** Pixel position of a lat/lon on the whole world's map at zoom z. */
export function worldPixel(lat, lon, z) {
  const size = TILE * 2 ** z;
  const sin = Math.sin((lat * Math.PI) / 180);
  return [((lon + 180) / 360) * size, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size];
}

/** The closest zoom that shows every point inside width x height less pad, centred on them. */
export function fitView(points, width, height, pad) {
  let z = points.length > 1 ? MAX_ZOOM : SINGLE_POINT_ZOOM;
  for (; z > 1; z -= 1) {
    const px = points.map((p) => worldPixel(p.lat, p.lon, z));
    const xs = px.map(([x]) => x);
    const ys = px.map(([, y]) => y);
    if (Math.max(...xs) - Math.min(...xs) <= width - 2 * pad && Math.max(...ys) - Math.min(...ys) <= height - 2 * pad) break;
  }
  const px = points.map((p) => worldPixel(p.lat, p.lon, z));
  const cx = (Math.min(...px.map(([x]) => x)) + Math.max(...px.map(([x]) => x))) / 2;
  const cy = (Math.min(...px.map(([, y]) => y)) + Math.max(...px.map(([, y]) => y))) / 2;
  return { z, left: cx - width / 2, top: cy - height / 2, width, height };
}

/** Where a lat/lon is drawn in the view, in the view's pixels. */
export function project(view, lat, lon) {
  const [x, y] = worldPixel(lat, lon, view.z);
  return [x - view.left, y - view.top];
}

/** Every tile the view touches: {z, x, y, left, top}, left/top being the tile's corner in the view. */
export function tilesFor(view) {
  const count = 2 ** view.z;
  const tiles = [];
  for (let ty = Math.floor(view.top / TILE); ty <= Math.floor((view.top + view.height - 1) / TILE); ty += 1) {
    if (ty < 0 || ty >= count) continue;
    for (let tx = Math.floor(view.left / TILE); tx <= Math.floor((view.left + view.width - 1) / TILE); tx += 1) {
      tiles.push({ z: view.z, x: ((tx % count) + count) % count, y: ty, left: tx * TILE - view.left, top: ty * TILE - view.top });
    }
  }
  return tiles;
}

export function tileUrl(template, { z, x, y }) {
  return template.replaceAll("{z}", z).replaceAll("{x}", x).replaceAll("{y}", y);
}
