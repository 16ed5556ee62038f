"""Authorization matrix: every API operation and every page × every role.

Generated from the live registries (the OpenAPI document and the URL resolver), checked against
tests/security/policy.py. A new endpoint or page without a policy entry fails here.
"""

import functools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from tests.factories import UserFactory

from .policy import API_POLICY, LOGIN, PAGE_POLICY, PUBLIC

ROLES = ["anonymous", "citizen", "provider", "caregiver", "coordinator", "city_official", "province_official", "admin"]
REFUSED = {401, 403, 404}
DUMMY_ID = "987654"
EXCLUDED_PREFIXES = ("admin/", "api/")  # Django admin has its own staff check; the API is covered by API_POLICY


@functools.cache
def openapi_schema() -> dict:
    return api.get_openapi_schema()


def api_operations() -> list[tuple[str, str, dict]]:
    schema = openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def page_names() -> dict[str, str]:
    names: dict[str, str] = {}

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(EXCLUDED_PREFIXES):
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names[f"{namespace}:{pattern.name}" if namespace else pattern.name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns)
    return names


def test_every_api_operation_has_a_policy():
    existing = {(method, path) for method, path, _ in api_operations()}
    missing = sorted(existing - set(API_POLICY))
    stale = sorted(set(API_POLICY) - existing)
    assert not missing, f"API operations without an entry in tests/security/policy.py: {missing}"
    assert not stale, f"policy entries for API operations that no longer exist: {stale}"


def test_every_page_has_a_policy():
    existing = set(page_names())
    missing = sorted(existing - set(PAGE_POLICY))
    stale = sorted(set(PAGE_POLICY) - existing)
    assert not missing, f"pages without an entry in tests/security/policy.py: {missing}"
    assert not stale, f"policy entries for pages that no longer exist: {stale}"


@pytest.fixture
def actors(regions, facility_x):
    suwon, gyeonggi = regions["suwon"], regions["gyeonggi"]
    return {
        "anonymous": None,
        "citizen": UserFactory(username="m-citizen", role="citizen"),
        "provider": UserFactory(username="m-provider", role="provider", facility=facility_x),
        "caregiver": UserFactory(username="m-caregiver", role="caregiver", scope_region=suwon),
        "coordinator": UserFactory(username="m-coord", role="coordinator", scope_region=suwon),
        "city_official": UserFactory(username="m-city", role="city_official", scope_region=suwon),
        "province_official": UserFactory(username="m-prov", role="province_official", scope_region=gyeonggi),
        "admin": UserFactory(username="m-admin", role="admin", is_staff=True, is_superuser=True),
    }


def allowed(policy: object, role: str) -> bool:
    if policy == PUBLIC:
        return True
    if role == "anonymous":
        return False
    if policy == LOGIN:
        return True
    return role in policy  # type: ignore[operator]


def minimal_value(schema: dict, components: dict, depth: int = 0):
    """A small value that satisfies a JSON schema well enough to get past validation to the permission check."""
    if "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            options = [s for s in schema[combinator] if s.get("type") != "null"] or schema[combinator]
            return minimal_value(options[0], components, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: minimal_value(prop, components, depth + 1)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        return [minimal_value(schema.get("items", {}), components, depth + 1)] if schema.get("minItems") else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-12-01"
    if schema.get("format") == "date-time":
        return "2026-12-01T10:00:00+09:00"
    return "1" * max(int(schema.get("minLength", 1)), 1)


def api_request(client, method: str, path: str, operation: dict, header: dict):
    components = openapi_schema().get("components", {}).get("schemas", {})
    url = re.sub(r"\{[^}]+\}", DUMMY_ID, path)
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("required"):
            query[parameter["name"]] = minimal_value(parameter.get("schema", {}), components)
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = minimal_value(content["application/json"]["schema"], components)
    if method == "GET":
        return client.get(url, query, **header)
    import json

    return client.generic(method, url, json.dumps(body) if body is not None else "", "application/json", **header)


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(role, actors, api_client, auth_header):
    user = actors[role]
    header = auth_header(user) if user else {}
    wrong = []
    for method, path, operation in api_operations():
        policy = API_POLICY.get((method, path))
        if policy is None:
            continue  # reported by test_every_api_operation_has_a_policy
        response = api_request(api_client, method, path, operation, header)
        status = response.status_code
        if status >= 500:
            wrong.append(f"{method} {path}: {status} (server error)")
        elif allowed(policy, role):
            # A role that may use the endpoint can still be refused for the dummy object's region ("out_of_scope");
            # scope refusals on real objects are proved in each app's tests.
            code = response.json().get("code") if status in (401, 403) else None
            refused_for_auth = (status == 403 and code != "out_of_scope") or code == "authentication_required"
            if refused_for_auth:
                wrong.append(f"{method} {path}: {status}, expected to be allowed")
        elif status not in REFUSED:
            wrong.append(f"{method} {path}: {status}, expected a refusal")
        elif role == "anonymous" and status != 401:
            wrong.append(f"{method} {path}: {status}, anonymous should get 401")
    assert not wrong, "\n".join(wrong)


def page_url(name: str, route: str) -> str:
    kwargs = {}
    for converter, key in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        kwargs[key] = int(DUMMY_ID) if converter == "int" else "x"
    if name == "portal:password_reset_confirm":
        kwargs = {"uidb64": "MQ", "token": "set-password"}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(role, actors, client):
    user = actors[role]
    if user:
        client.force_login(user)
    wrong = []
    for name, route in page_names().items():
        policy = PAGE_POLICY.get(name)
        if policy is None or name in ("portal:logout", "set_language"):
            continue
        url = page_url(name, route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            to_login = status == 302 and "/accounts/login/" in response.get("Location", "")
            if status >= 500:
                wrong.append(f"{method.upper()} {url}: {status} (server error)")
            elif allowed(policy, role):
                if status in (401, 403) or to_login:
                    wrong.append(f"{method.upper()} {url}: {status}, expected to be allowed")
            elif not (status in REFUSED or to_login or (method == "get" and status == 405)):
                wrong.append(f"{method.upper()} {url}: {status}, expected a refusal")
        if user:
            client.force_login(user)  # a page may have signed the user out (account deletion refused etc.)
    assert not wrong, "\n".join(wrong)
