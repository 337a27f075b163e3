"""The floor for request throughput: a bare Flask route that parses a JSON body and answers JSON.

Served by gunicorn exactly like Caremon, so the ratio measures what Caremon's check-in
adds (auth, validation, geofence, idempotent insert), not the web server.
"""
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/floor/<int:visit_id>")
def floor(visit_id: int):
    body = request.get_json()
    return jsonify({"visit_id": visit_id, "idempotency_key": body["idempotency_key"]}), 201


@app.get("/")
def ready():
    return jsonify({"ok": True})
