"""The floor for what a check-in must cost: a bare Flask route running the statements a correct one needs.

No ORM and no schemas: psycopg on the same PostgreSQL, one connection per server thread. It checks the
bearer token's signature and expiry and that the token still counts (user active, version, not logged
out), reads the visit for the worker (the client's home and the contract's thresholds with it), inserts
the event unless its key is already stored, moves the carer's and the visit's times, and commits. What
Caremon adds on top of this (validation, the geofence verdict's detail, flags, exceptions and alerts,
the answer's shape) is what the ratio against this floor measures.
"""
import hashlib
import json
import os
import threading
from datetime import datetime, timedelta, timezone

import jwt
import psycopg
from flask import Flask, jsonify, request
from sqlalchemy.engine import make_url

from server.visits.geofence import judge

app = Flask(__name__)
_local = threading.local()
SECRET = os.environ["CAREMON_SECRET_KEY"]

TOKEN_COUNTS = """
SELECT u.active AND u.token_version = %(ver)s AND NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = %(jti)s)
FROM users u WHERE u.id = %(user_id)s"""
VISIT_FOR_WORKER = """
SELECT v.id, a.id, cl.lat, cl.lon, COALESCE(cl.geofence_radius_m, c.geofence_radius_m), c.accuracy_limit_m,
       v.planned_start, c.early_minutes, c.late_minutes
FROM visits v JOIN visit_assignments a ON a.visit_id = v.id AND a.worker_id = %(worker_id)s
JOIN clients cl ON cl.id = v.client_id JOIN contracts c ON c.id = v.contract_id
WHERE v.id = %(visit_id)s"""
INSERT_EVENT = """
INSERT INTO visit_events (idempotency_key, payload_hash, visit_id, worker_id, kind, device_time, received_at,
                          device_id, lat, lon, accuracy_m, distance_m, geofence, method, verdict, payload, flags)
VALUES (%(key)s, %(hash)s, %(visit_id)s, %(worker_id)s, %(kind)s, %(device_time)s, %(now)s, %(device_id)s,
        %(lat)s, %(lon)s, %(accuracy_m)s, %(distance_m)s, %(geofence)s, 'gps', %(geofence)s, '{}', '[]')
ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"""
UPDATE_ASSIGNMENT = """
UPDATE visit_assignments SET checked_in_at = LEAST(COALESCE(checked_in_at, %(at)s), %(at)s),
       check_in_geofence = %(geofence)s, check_in_method = 'gps' WHERE id = %(assignment_id)s"""
UPDATE_VISIT = """
UPDATE visits SET status = 'in_progress', started_at = LEAST(COALESCE(started_at, %(at)s), %(at)s),
       punctuality = %(punctuality)s, updated_at = %(now)s WHERE id = %(visit_id)s"""


def _connection() -> psycopg.Connection:
    if getattr(_local, "conn", None) is None:
        url = make_url(os.environ["CAREMON_DATABASE_URL"])
        _local.conn = psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database)
    return _local.conn


@app.post("/floor/<int:visit_id>/events")
def check_in(visit_id: int):
    claims = jwt.decode(request.headers["Authorization"].split()[1], SECRET, algorithms=["HS256"])
    body = request.get_json()
    now = datetime.now(timezone.utc)
    conn = _connection()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(TOKEN_COUNTS, {"ver": claims.get("ver", 0), "jti": claims["jti"], "user_id": int(claims["sub"])})
        if not (cur.fetchone() or (False,))[0]:
            return jsonify({"error": {"code": "token_revoked"}}), 401
        cur.execute(VISIT_FOR_WORKER, {"worker_id": claims["worker_id"], "visit_id": visit_id})
        visit = cur.fetchone()
        if visit is None:
            return jsonify({"error": {"code": "not_found"}}), 404
        _, assignment_id, home_lat, home_lon, radius_m, accuracy_limit_m, planned_start, early, late = visit
        fix = judge(body["lat"], body["lon"], body["accuracy_m"], (home_lat, home_lon), radius_m, accuracy_limit_m)
        device_time = datetime.fromisoformat(body["device_time"])
        cur.execute(INSERT_EVENT, {
            "key": body["idempotency_key"], "hash": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
            "visit_id": visit_id, "worker_id": claims["worker_id"], "kind": body["kind"], "device_time": device_time,
            "now": now, "device_id": body.get("device_id"), "lat": body["lat"], "lon": body["lon"],
            "accuracy_m": body["accuracy_m"], "distance_m": fix.distance_m, "geofence": fix.geofence})
        created = cur.fetchone()
        if created is not None:
            at = min(device_time, now)
            cur.execute(UPDATE_ASSIGNMENT, {"at": at, "geofence": fix.geofence, "assignment_id": assignment_id})
            punctuality = ("early" if at < planned_start - timedelta(minutes=early)
                           else "late" if at > planned_start + timedelta(minutes=late) else "on_time")
            cur.execute(UPDATE_VISIT, {"at": at, "now": now, "visit_id": visit_id, "punctuality": punctuality})
    return jsonify({"visit_id": visit_id, "idempotency_key": body["idempotency_key"],
                    "geofence": fix.geofence}), 201 if created else 200


@app.get("/")
def ready():
    return jsonify({"ok": True})
