import math

import pytest

from communique.geo import Gazetteer, load_gazetteer, resolve_toponym


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer(min_city_population=5000)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_johannesburg(gaz: Gazetteer) -> None:
    place = resolve_toponym("Johannesburg", gaz)
    assert place is not None
    assert (place.country, place.feature, place.geonameid) == ("ZAF", "city", 993800)
    assert _km(place.lat, place.lon, -26.2041, 28.0473) < 25


def test_old_spelling(gaz: Gazetteer) -> None:
    place = resolve_toponym("Kiev", gaz)
    assert place is not None
    assert (place.name, place.country) == ("Kyiv", "UKR")


def test_country_beats_city_of_the_same_name(gaz: Gazetteer) -> None:
    place = resolve_toponym("Georgia", gaz)
    assert place is not None
    assert (place.feature, place.country) == ("country", "GEO")


def test_context_decides(gaz: Gazetteer) -> None:
    libya = resolve_toponym("Tripoli", gaz, context=["LBY"])
    lebanon = resolve_toponym("Tripoli", gaz, context=["LBN"])
    assert libya is not None and lebanon is not None
    assert (libya.country, lebanon.country) == ("LBY", "LBN")


def test_unknown(gaz: Gazetteer) -> None:
    assert resolve_toponym("Xqzzyville", gaz) is None
