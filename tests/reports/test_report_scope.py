"""Which contracts a report covers for each kind of caller, and in which time zone."""
from __future__ import annotations

from datetime import date

import pytest

from server.auth.tenancy import Identity
from server.directory.models import Contract, Council
from server.errors import ApiError
from server.reports.scope import resolve_scope
from tests.factories import add

PERIOD = {"date_from": date(2026, 11, 23), "date_to": date(2026, 11, 29)}


def officer(world, council=None):
    return Identity(user_id=world.officer.id, role="council_officer", council_id=(council or world.north).id)


def coordinator(side):
    return Identity(user_id=side.coordinator.id, role="coordinator", provider_id=side.provider.id)


def covered(ident, **filters):
    return [c.reference for c in resolve_scope(ident, **PERIOD, **filters).contracts]


def failure(ident, **filters) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        resolve_scope(ident, **PERIOD, **filters)
    return caught.value.status, caught.value.code


def test_a_council_officer_covers_their_councils_contracts(world):
    assert covered(officer(world)) == ["N-A", "N-B"]
    assert covered(officer(world), provider_id=world.beta.provider.id) == ["N-B"]
    assert covered(officer(world), contract_id=world.alpha.contract.id) == ["N-A"]
    assert covered(officer(world), contract_id=world.alpha.contract.id, provider_id=world.alpha.provider.id) == ["N-A"]


def test_a_provider_covers_its_own_contracts(world):
    assert covered(coordinator(world.alpha)) == ["N-A"]
    assert covered(coordinator(world.alpha), provider_id=world.alpha.provider.id) == ["N-A"]


def test_another_tenants_contract_or_provider_is_not_found(world):
    assert failure(officer(world), contract_id=world.gamma.contract.id) == (404, "not_found")
    assert failure(officer(world), provider_id=world.gamma.provider.id) == (404, "not_found")
    assert failure(coordinator(world.alpha), contract_id=world.beta.contract.id) == (404, "not_found")
    assert failure(coordinator(world.alpha), provider_id=world.beta.provider.id) == (404, "not_found")


def test_a_contract_with_another_provider_is_a_bad_filter(world):
    assert failure(officer(world), contract_id=world.alpha.contract.id,
                   provider_id=world.beta.provider.id) == (422, "validation_error")


def test_the_period_is_in_the_councils_zone_and_one_zone_at_a_time(world):
    far = add(Council(name="Paris Arrondissement", timezone="Europe/Paris"))
    abroad = add(Contract(council_id=far.id, provider_id=world.alpha.provider.id, reference="F-A"))
    scope = resolve_scope(coordinator(world.alpha), **PERIOD, contract_id=abroad.id)
    assert scope.period.tz == "Europe/Paris"
    assert resolve_scope(coordinator(world.alpha), **PERIOD, contract_id=world.alpha.contract.id).period.tz == \
        "Europe/London"
    # Alpha now works for councils in two zones: without a contract a local week would mean two things.
    assert failure(coordinator(world.alpha)) == (422, "validation_error")
    assert resolve_scope(officer(world, far), **PERIOD).period.tz == "Europe/Paris"
