// A signature drawn with a finger, stylus or mouse on a canvas, handed over as a PNG data URL.

export function signaturePad({ label }) {
  const canvas = document.createElement("canvas");
  canvas.className = "signature-pad";
  canvas.width = 600;
  canvas.height = 220;
  canvas.setAttribute("role", "img");
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", label);
  const pen = canvas.getContext("2d");
  pen.fillStyle = "#fff";
  pen.fillRect(0, 0, canvas.width, canvas.height);
  pen.lineWidth = 4;
  pen.lineCap = "round";
  pen.strokeStyle = "#111";
  let drawing = false;
  let strokes = 0;
  const at = (e) => {
    const box = canvas.getBoundingClientRect();
    return [(e.clientX - box.left) * (canvas.width / box.width), (e.clientY - box.top) * (canvas.height / box.height)];
  };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    pen.beginPath();
    pen.moveTo(...at(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    pen.lineTo(...at(e));
    pen.stroke();
    strokes += 1;
  });
  canvas.addEventListener("pointerup", () => { drawing = false; });
  return {
    el: canvas,
    isEmpty: () => strokes < 3,
    dataUrl: () => canvas.toDataURL("image/png"),
  };
}
