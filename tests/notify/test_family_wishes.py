"""Quiet hours are the relative's local time, in summer and on clock-change nights, and are checked again at send
time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from server.config import load_settings
from server.directory.models import FamilyLink
from server.extensions import db
from server.monitoring.scans import scan
from server.notify.models import Notification
from server.notify.sender import drain
from tests.factories import make_world

SETTINGS = load_settings()
M = timedelta(minutes=1)


ALPHA_FAMILY = "family@alpha.example"


class Recording:
    """Records what reached Alpha's relative (the other providers' relatives are told as usual)."""

    def __init__(self):
        self.sent, self.recipients = [], []

    def send(self, notification):
        self.recipients.append(notification.recipient)
        if notification.recipient == ALPHA_FAMILY:
            self.sent.append(notification.subject)


def family_link(world):
    return db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == world.alpha.family.id))


def delay_row(world):
    return db.session.scalar(select(Notification).where(
        Notification.user_id == world.alpha.family.id, Notification.kind == "delay"))


def test_quiet_hours_in_summer_follow_british_summer_time(app):
    world = make_world(datetime(2026, 7, 20, 8, 0, tzinfo=timezone.utc))  # 09:00 BST
    link = family_link(world)
    link.quiet_from, link.quiet_to = "08:00", "10:00"
    db.session.commit()
    scan(world.start + 31 * M, SETTINGS)  # 09:31 BST: inside; by UTC (08:31) the end would be 10:00 UTC
    assert delay_row(world).next_attempt_at == datetime(2026, 7, 20, 9, 0, tzinfo=timezone.utc)


def test_summer_message_after_local_quiet_hours_goes_at_once(app):
    world = make_world(datetime(2026, 7, 20, 8, 0, tzinfo=timezone.utc))
    link = family_link(world)
    link.quiet_from, link.quiet_to = "07:00", "09:00"  # over at 09:00 BST, though 08:31 UTC is inside by UTC
    db.session.commit()
    now = world.start + 31 * M
    scan(now, SETTINGS)
    assert delay_row(world).next_attempt_at == now
    channel = Recording()
    drain({"email": channel}, now)
    assert channel.sent == ["AlphaClient1's carer is running late"]


def test_quiet_hours_set_after_queueing_defer_the_message_across_the_autumn_clock_change(app):
    # 00:30 UTC on 25 October 2026 is 01:30 BST; clocks go back at 02:00 BST, so 07:00 local is 07:00 UTC.
    world = make_world(datetime(2026, 10, 25, 0, 0, tzinfo=timezone.utc))
    now = world.start + 31 * M
    scan(now, SETTINGS)
    link = family_link(world)
    link.quiet_from, link.quiet_to = "22:00", "07:00"
    db.session.commit()
    channel = Recording()
    assert drain({"email": channel}, now)["deferred"] == 1
    assert channel.sent == [] and len(channel.recipients) == 2
    assert delay_row(world).next_attempt_at == datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc)
    drain({"email": channel}, datetime(2026, 10, 25, 6, 59, tzinfo=timezone.utc))
    assert channel.sent == []
    drain({"email": channel}, datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc))
    assert len(channel.sent) == 1 and delay_row(world).status == "sent"


def test_quiet_hours_end_in_local_time_after_the_spring_clock_change(app):
    # 29 March 2026: clocks go forward at 01:00 GMT. 06:30 UTC is 07:30 BST, after quiet hours ending 07:00.
    world = make_world(datetime(2026, 3, 29, 6, 0, tzinfo=timezone.utc))
    link = family_link(world)
    link.quiet_from, link.quiet_to = "22:00", "07:00"
    db.session.commit()
    now = world.start + 31 * M
    scan(now, SETTINGS)
    assert delay_row(world).next_attempt_at == now


def test_relative_who_opts_out_before_sending_is_not_told(app):
    world = make_world()
    now = world.start + 31 * M
    scan(now, SETTINGS)
    family_link(world).opted_out = True
    db.session.commit()
    channel = Recording()
    counts = drain({"email": channel}, now)
    assert (counts["suppressed"], counts["sent"]) == (1, 2)
    assert channel.sent == []
    assert delay_row(world).status == "suppressed"
    family_link(world).opted_out = False
    db.session.commit()
    drain({"email": channel}, now + M)
    assert channel.sent == []  # suppressed is final: the news is stale by the time they opt back in


def test_relative_who_drops_a_channel_is_not_told_on_it(app):
    world = make_world()
    now = world.start + 31 * M
    scan(now, SETTINGS)
    family_link(world).channels = ["sms"]
    db.session.commit()
    channel = Recording()
    drain({"email": channel}, now)
    assert channel.sent == [] and delay_row(world).status == "suppressed"


def test_staff_escalations_ignore_family_wishes(app):
    world = make_world()
    scan(world.start + 61 * M, SETTINGS)
    later = world.start + 61 * M + timedelta(minutes=SETTINGS["escalation_minutes"])
    scan(later, SETTINGS)
    for link in db.session.scalars(select(FamilyLink)):
        link.opted_out = True
    db.session.commit()
    channel = Recording()
    drain({"email": channel}, later)
    assert (
        sorted(channel.recipients)
        == ["oncall@alpha.example"] * 2 + ["oncall@beta.example"] * 2 + ["oncall@gamma.example"] * 2
    )
