"""The floor for a check-in on Caremon's required stack: the minimal statements of floor_sql_app.py, run the
way the stack runs them.

flask-jwt-extended verifies the bearer token (its blocklist check is the same query), marshmallow loads the
body with Caremon's own event schema and dumps the stored event with Caremon's event schema, and
flask-sqlalchemy runs the statements as SQLAlchemy Core on the session's pooled connection. No ORM objects,
no rules, no answer beyond the event. What this floor costs beyond floor_sql_app.py is the stack's own price;
what Caremon's check-in costs beyond this is Caremon's.
"""
import hashlib
import json
import os
from datetime import datetime, timedelta, timezone

from flask import Flask, jsonify, request
from flask_jwt_extended import JWTManager, get_jwt, verify_jwt_in_request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

import server.models  # noqa: F401  (the schemas' models, mapped whole)
from server.visits.geofence import judge
from server.visits.schemas import EventInSchema, EventSchema
from tests.bench.floor_sql_app import INSERT_EVENT, TOKEN_COUNTS, UPDATE_ASSIGNMENT, UPDATE_VISIT, VISIT_FOR_WORKER

app = Flask(__name__)
app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["CAREMON_DATABASE_URL"], JWT_SECRET_KEY=os.environ["CAREMON_SECRET_KEY"],
                  SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
db = SQLAlchemy(app)
jwt = JWTManager(app)
EVENT_IN, EVENT_OUT = EventInSchema(), EventSchema()
# psycopg's %(name)s parameters as SQLAlchemy's :name.
STATEMENTS = {name: text(sql.replace("%(", ":").replace(")s", "")) for name, sql in (
    ("token", TOKEN_COUNTS), ("visit", VISIT_FOR_WORKER), ("insert", INSERT_EVENT),
    ("assignment", UPDATE_ASSIGNMENT), ("update_visit", UPDATE_VISIT))}


@jwt.token_in_blocklist_loader
def _refused(_header, claims):
    row = db.session.connection().execute(STATEMENTS["token"], {
        "ver": claims.get("ver", 0), "jti": claims["jti"], "user_id": int(claims["sub"])}).first()
    return row is None or not row[0]


@app.post("/floor/<int:visit_id>/events")
def check_in(visit_id: int):
    verify_jwt_in_request()
    worker_id = get_jwt()["worker_id"]
    body = EVENT_IN.load(request.get_json())
    now = datetime.now(timezone.utc)
    conn = db.session.connection()
    visit = conn.execute(STATEMENTS["visit"], {"worker_id": worker_id, "visit_id": visit_id}).first()
    if visit is None:
        return jsonify({"error": {"code": "not_found"}}), 404
    _, assignment_id, home_lat, home_lon, radius_m, accuracy_limit_m, planned_start, early, late = visit
    fix = judge(body["lat"], body["lon"], body["accuracy_m"], (home_lat, home_lon), radius_m, accuracy_limit_m)
    event = {"idempotency_key": str(body["idempotency_key"]), "visit_id": visit_id, "worker_id": worker_id,
             "kind": body["kind"], "device_time": body["device_time"], "received_at": now,
             "device_id": body["device_id"], "lat": body["lat"], "lon": body["lon"], "accuracy_m": body["accuracy_m"],
             "distance_m": fix.distance_m, "geofence": fix.geofence, "method": "gps", "verdict": fix.geofence}
    created = conn.execute(STATEMENTS["insert"], {
        **event, "key": event["idempotency_key"], "now": now,
        "hash": hashlib.sha256(json.dumps(request.get_json(), sort_keys=True).encode()).hexdigest()}).first()
    if created is not None:
        at = min(body["device_time"], now)
        conn.execute(STATEMENTS["assignment"], {"at": at, "geofence": fix.geofence, "assignment_id": assignment_id})
        punctuality = ("early" if at < planned_start - timedelta(minutes=early)
                       else "late" if at > planned_start + timedelta(minutes=late) else "on_time")
        conn.execute(STATEMENTS["update_visit"], {"at": at, "now": now, "visit_id": visit_id,
                                                  "punctuality": punctuality})
        event["id"] = created[0]
    db.session.commit()
    return jsonify(EVENT_OUT.dump(event)), 201 if created else 200


@app.get("/")
def ready():
    return jsonify({"ok": True})
