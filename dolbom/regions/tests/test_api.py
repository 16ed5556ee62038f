import json

import pytest

URL = "/api/v1/regions"


def _json(response):
    return json.loads(response.content)


def test_search_endpoint(api_client, real_regions):
    response = api_client.get(URL, {"q": "강원도", "limit": 5})
    assert response.status_code == 200
    body = _json(response)
    assert body[0]["code"] == "5100000000" and body[0]["full_name"] == "강원특별자치도"
    assert set(body[0]) >= {"code", "name", "full_name", "level", "is_active", "lat", "lng", "parent_code"}


def test_search_endpoint_filters_level(api_client, real_regions):
    body = _json(api_client.get(URL, {"q": "수원", "level": "sigungu"}))
    assert body and all(r["level"] == "sigungu" for r in body)
    assert any(r["code"] == "4111100000" and r["parent_code"] == "4111000000" for r in body)


@pytest.mark.parametrize("params", [{"level": "ri"}, {"limit": 0}, {"limit": 1000}, {"q": "가" * 101}])
def test_search_endpoint_rejects_bad_parameters(api_client, real_regions, params):
    response = api_client.get(URL, params)
    assert response.status_code == 422
    assert set(_json(response)) == {"code", "message", "detail"}


def test_resolve_endpoint(api_client, real_regions):
    body = _json(api_client.get(f"{URL}/resolve", {"q": "전남광주통합특별시 광산구"}))
    assert (body["code"], body["full_name"]) == ("2920000000", "광주광역시 광산구")
    assert _json(api_client.get(f"{URL}/resolve", {"q": "45111"}))["full_name"] == "전북특별자치도 전주시 완산구"


def test_resolve_endpoint_errors(api_client, real_regions):
    unknown = api_client.get(f"{URL}/resolve", {"q": "아틀란티스"})
    assert unknown.status_code == 422
    assert _json(unknown)["code"] == "unknown_region"
    assert "찾을 수 없습니다" in _json(unknown)["message"]
    ambiguous = api_client.get(f"{URL}/resolve", {"q": "중구"})
    assert ambiguous.status_code == 422
    body = _json(ambiguous)
    assert body["code"] == "ambiguous_region" and len(body["detail"]["candidates"]) >= 6
    missing = api_client.get(f"{URL}/resolve")
    assert missing.status_code == 422 and _json(missing)["code"] == "invalid_input"


def test_detail_endpoint(api_client, real_regions):
    body = _json(api_client.get(f"{URL}/4211000000"))
    assert body["is_active"] is False
    assert body["successor"]["code"] == "5111000000"
    merged = _json(api_client.get(f"{URL}/9000000000"))
    assert merged["covers"] == ["29", "46"] and "전남광주" in merged["aliases"]
    hwaseong = _json(api_client.get(f"{URL}/41590"))
    assert {"4159100000", "4159700000"} <= {c["code"] for c in hwaseong["children"]}
    dong = _json(api_client.get(f"{URL}/1111051500"))
    assert dong["population"]["total_0to5"] == 245 and dong["population"]["as_of"] == "2026-06-01"


def test_detail_endpoint_errors(api_client, real_regions):
    missing = api_client.get(f"{URL}/4199900000")
    assert missing.status_code == 404
    assert _json(missing)["code"] == "unknown_region"
    assert "찾을 수 없습니다" in _json(missing)["message"]
    bad = api_client.get(f"{URL}/12ab")
    assert bad.status_code == 422 and _json(bad)["code"] == "invalid_region_code"


def test_boundaries_carry_current_codes(api_client, real_regions):
    response = api_client.get(f"{URL}/boundaries", {"sido": "51"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = _json(response)
    props = [f["properties"] for f in body["features"]]
    assert len(props) == 18 and all(p["code"].startswith("51") for p in props)
    chuncheon = next(p for p in props if p["name"] == "춘천시")
    assert (chuncheon["code"], chuncheon["source_sgg"]) == ("5111000000", "42110")
    everything = _json(api_client.get(f"{URL}/boundaries"))
    assert len(everything["features"]) == 250
    assert "통계청" in everything["attribution"]
    merged = _json(api_client.get(f"{URL}/boundaries", {"sido": "90"}))
    assert {f["properties"]["code"][:2] for f in merged["features"]} == {"29", "46"}
    assert api_client.get(f"{URL}/boundaries", {"sido": "x"}).status_code == 422


def test_boundaries_are_compressed_and_cacheable(api_client, real_regions):
    import gzip

    plain = api_client.get(f"{URL}/boundaries")
    packed = api_client.get(f"{URL}/boundaries", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    again = api_client.get(f"{URL}/boundaries", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_openapi_documents_the_region_endpoints(api_client):
    paths = _json(api_client.get("/api/v1/openapi.json"))["paths"]
    assert {
        "/api/v1/regions",
        "/api/v1/regions/resolve",
        "/api/v1/regions/boundaries",
        "/api/v1/regions/{code}",
    } <= set(paths)
