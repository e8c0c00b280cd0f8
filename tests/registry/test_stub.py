"""The stand-in registry itself: its own data file, its control endpoints, its shipped data."""

import json
import urllib.error
import urllib.request

import pytest
from registry_support import StubRegistry

from kezek.demo import DEMO_PEOPLE, TRUCKS_EACH
from kezek.people.national_id import make_iin
from kezek.registry.demo_data import demo_data_text
from kezek.registry.schemas import RegistryVehicle
from kezek.registry.stub import DEFAULT_DATA, load_data
from kezek.vehicles.vin import make_vin


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_a_data_file_of_ones_own(tmp_path):
    vin = make_vin(5)
    vehicle = {
        "vin": vin,
        "plate": "01KZ",
        "country": "KZ",
        "owner": {"kind": "company", "bin": "1"},
    }
    data = tmp_path / "registry.json"
    data.write_text(json.dumps({"vehicles": [vehicle]}))
    stub = StubRegistry(tmp_path, data=data).start()
    try:
        status, body = get(f"{stub.url}/api/v1/vehicles/{vin}")
        assert status == 200 and RegistryVehicle.from_json(body).owner.bin == "1"
        assert get(f"{stub.url}/api/v1/vehicles/{make_vin(6)}")[0] == 404
        assert get(f"{stub.url}/elsewhere")[0] == 404
        assert stub.control(fail_count=1)["fail_count"] == 1
        assert get(f"{stub.url}/api/v1/vehicles/{vin}")[0] == 503
        assert get(f"{stub.url}/api/v1/vehicles/{vin}")[0] == 200
        assert stub.lookups() == 4
        stub.reset()
        assert stub.lookups() == 0
    finally:
        stub.stop()


@pytest.mark.parametrize("serial", [0, 1])
def test_the_shipped_data_covers_the_demo_carriers_trucks(serial):
    vehicles = load_data(None)
    truck = RegistryVehicle.from_json(vehicles[make_vin(serial, wmi="LZZ", vds="5BLSB")])
    born = {login: (i, day) for i, (login, _r, _n, day, _c) in enumerate(DEMO_PEOPLE, start=1)}
    carrier_iin = make_iin(born["carrier"][1], born["carrier"][0])
    driver_iin = make_iin(born["driver"][1], born["driver"][0])
    assert truck.owner.iin == carrier_iin
    assert {d.person.iin for d in truck.insured_drivers} == {carrier_iin, driver_iin}
    assert len(vehicles) >= TRUCKS_EACH * 101


def test_the_shipped_data_is_what_the_demo_generates():
    """Regenerate with `python -m kezek.registry.demo_data > src/kezek/registry/stub_data.json`
    after changing the demo's people or trucks."""
    assert DEFAULT_DATA.read_text() == demo_data_text()
