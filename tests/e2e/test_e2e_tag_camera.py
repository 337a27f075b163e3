"""A worker indoors scans the home's QR label with the phone camera: Chromium's fake camera plays the label,
and the app decodes it with the decoder it ships (no BarcodeDetector in headless Chromium on Linux).

The browser fixture is this module's own, launched with the clip as its camera, so it lives apart from the
other browser tests.
"""
from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from server.tags import issuing, labels
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, screenshot
from tests.e2e.seed import seed_today
from tests.e2e.test_e2e_tags import events_of, indoors, tag_for

pytestmark = pytest.mark.e2e
CAMERA = (640, 480)


def y4m(png: bytes, path) -> None:
    """The label as a short Y4M clip (4:2:0, grey chroma), centred on a white frame: Chromium plays it as the camera."""
    width, height = CAMERA
    frame = Image.new("L", CAMERA, 255)
    qr = Image.open(io.BytesIO(png)).convert("L")
    qr.thumbnail((height - 40, height - 40))
    frame.paste(qr, ((width - qr.width) // 2, (height - qr.height) // 2))
    luma = np.asarray(frame, dtype=np.uint8).tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.writelines(b"FRAME\n" + luma + chroma + chroma for _ in range(10))



@pytest.fixture
def camera_label(app, tmp_path):
    """Today's world with a tag in AlphaClient1's home, and its label as the fake camera's picture."""
    world = seed_today()
    tag = tag_for(world, world.alpha.clients[0])
    y4m(labels.qr_png(issuing.payload_of(tag)), tmp_path / "label.y4m")
    return world, tmp_path / "label.y4m"


@pytest.fixture
def browser(browser, camera_label):
    """A second Chromium from the session's Playwright, whose camera is the label clip, granted without asking."""
    _, clip = camera_label
    camera = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}"])
    yield camera
    camera.close()


def test_worker_indoors_checks_in_by_scanning_the_qr_label(open_context, camera_label):
    world, _ = camera_label
    page = indoors(open_context, world)
    page.context.grant_permissions(["camera"])
    page.get_by_text("No location? Use the home's tag").first.click()
    page.get_by_role("button", name="Scan the QR code").first.click()
    expect(page.locator("video.tag-camera")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Checked in \d\d:\d\d · home's QR code verified"))).to_be_visible(timeout=20000)
    screenshot(page, "worker-check-in-by-qr-phone")
    [event] = events_of(world.visit_online.id)
    assert (event.kind, event.method, event.verdict, event.lat) == ("check_in", "qr", "verified", None)
    # jsQR, shipped with the app, did the decoding: headless Chromium on Linux has no BarcodeDetector.
    assert page.evaluate("() => typeof window.jsQR === 'function' && !('BarcodeDetector' in window)")
