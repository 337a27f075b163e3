"""Road durations from an OSRM table service, tried against a tiny local server (never the network)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from server.travel.osrm import osrm_matrix

POINTS = [(54.3280, -2.7460), (54.3300, -2.7400)]


@pytest.fixture
def osrm():
    """A server answering /table/v1/driving with what the test puts in `answer`; it records the paths asked."""
    state = {"answer": (200, {"code": "Ok", "durations": [[0, 300.4], [310.6, 0]]}), "paths": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state["paths"].append(self.path)
            status, body = state["answer"]
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["settings"] = {"travel_osrm_url": f"http://127.0.0.1:{server.server_port}/",
                         "travel_osrm_timeout_s": 5}
    yield state
    server.shutdown()
    server.server_close()


def test_durations_come_from_the_table_service_in_lon_lat_order(osrm):
    assert osrm_matrix(POINTS, osrm["settings"]) == [[0, 300], [311, 0]]
    assert osrm["paths"] == ["/table/v1/driving/-2.746000,54.328000;-2.740000,54.330000?annotations=duration"]


@pytest.mark.parametrize("answer", [
    (500, {"code": "Error"}),
    (200, {"code": "NoTable", "message": "no table"}),
    (200, {"code": "Ok", "durations": [[0, None], [300, 0]]}),
    (200, {"code": "Ok", "durations": [[0]]}),
])
def test_a_bad_answer_leaves_the_travel_model_in_place(osrm, answer):
    osrm["answer"] = answer
    assert osrm_matrix(POINTS, osrm["settings"]) is None


def test_a_server_that_is_down_leaves_the_travel_model_in_place():
    assert osrm_matrix(POINTS, {"travel_osrm_url": "http://127.0.0.1:9", "travel_osrm_timeout_s": 1}) is None
