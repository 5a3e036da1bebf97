"""Contract tests for the OpenAPI document (chalicelib/openapi.py, GET /api/openapi.json): it lists
every route of the app and nothing else, it is valid OpenAPI 3, and its `config` schema is the one
jobconfig enforces."""

from __future__ import annotations

import dataclasses
import json

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_openapi

from chalicelib import jobconfig, openapi
from chalicelib.errors import ValidationError


@pytest.fixture(scope="module")
def chalice_app():
    import app

    return app.app


@pytest.fixture(scope="module")
def document(chalice_app) -> dict:
    return openapi.build_document(chalice_app)


def _operations(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def _resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _config_validator(document: dict, schema: dict | None = None) -> OAS30Validator:
    return OAS30Validator(schema or document["components"]["schemas"]["JobConfig"])


# --- Routes ------------------------------------------------------------------------------------


def test_every_route_of_the_app_has_an_entry_in_the_table(chalice_app):
    missing = sorted(openapi.undocumented_routes(chalice_app))
    assert not missing, f"add these routes to chalicelib.openapi.OPERATIONS: {missing}"


def test_every_entry_of_the_table_is_a_route_of_the_app(chalice_app):
    stale = sorted(openapi.stale_operations(chalice_app))
    assert not stale, f"routes documented in chalicelib.openapi.OPERATIONS but not in app.py: {stale}"


def test_the_document_lists_every_route_of_the_app_and_nothing_else(chalice_app, document):
    assert _operations(document) == openapi.app_routes(chalice_app)
    assert openapi.UNDOCUMENTED not in json.dumps(document)


def test_the_app_serves_the_document_without_auth(chalice_app, document):
    from chalice.test import Client

    with Client(chalice_app) as client:
        response = client.http.get("/api/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.body) == json.loads(json.dumps(document))


def test_path_parameters_are_those_of_the_route(chalice_app, document):
    for path, methods in chalice_app.routes.items():
        for method, entry in methods.items():
            operation = document["paths"][path][method.lower()]
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert names == entry.view_args, (method, path)


# --- Validity ----------------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.0.")
    validate_openapi(json.loads(json.dumps(document)))  # JSON-serialisable, then valid


def test_every_reference_resolves_and_operation_ids_are_unique(document):
    for ref in _refs(document):
        assert isinstance(_resolve(document, ref), dict), ref
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_only_health_token_refresh_and_the_document_are_public(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    public = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation["security"] == []:
                public.add((method.upper(), path))
                # Only a refused refresh token makes a public route answer 401.
                assert ("401" in operation["responses"]) == (path == "/api/auth/refresh"), path
            else:
                assert operation["security"] == [{"bearerAuth": []}], path
                assert "401" in operation["responses"], path
    assert public == {("GET", "/api/health"), ("GET", "/api/openapi.json"), ("POST", "/api/auth/refresh")}


def test_every_error_answer_has_the_error_shape(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    assert set(error["properties"]["error"]["properties"]) == {"code", "message", "field"}
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = _resolve(document, response["$ref"])["content"]
                    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_lists_are_pages_of_items_with_a_cursor(document):
    schemas = document["components"]["schemas"]
    for name in ("JobList", "ImageList"):
        assert {"items", "next_cursor"} <= set(schemas[name]["required"])
    listed = document["paths"]["/api/jobs"]["get"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in listed}
    assert set(by_name) == {"status", "q", "parent", "from", "to", "tz", "sort", "limit", "cursor"}
    assert by_name["sort"]["enum"] == ["newest", "oldest", "name"]
    assert (by_name["limit"]["minimum"], by_name["limit"]["maximum"]) == (1, 100)


# --- The config schema is jobconfig's -----------------------------------------------------------


def _assert_same_keys(spec: jobconfig.Spec, schema: dict, path: str = "config") -> None:
    """Walk jobconfig's spec and the generated schema together: same keys, ranges and choices."""
    if isinstance(spec, jobconfig.Obj):
        assert set(schema["properties"]) == set(spec.fields), path
        assert schema["additionalProperties"] is False, path
        assert set(schema.get("required", [])) == set(spec.required), path
        for key, sub in spec.fields.items():
            _assert_same_keys(sub, schema["properties"][key], f"{path}.{key}")
    elif isinstance(spec, jobconfig.Items):
        assert schema["type"] == "array" and schema["maxItems"] == spec.max_items, path
        _assert_same_keys(spec.item, schema["items"], f"{path}[]")
    elif isinstance(spec, jobconfig.Enum):
        assert [c for c in schema["enum"] if c is not None] == list(spec.choices), path
    elif isinstance(spec, (jobconfig.Int, jobconfig.Num)) and spec.lo is not None:
        assert (schema["minimum"], schema["maximum"]) == (spec.lo, spec.hi), path
    assert schema.get("nullable", False) == spec.nullable, path


def test_the_config_schema_has_the_keys_ranges_and_choices_of_jobconfig(document):
    _assert_same_keys(jobconfig.SCHEMA, document["components"]["schemas"]["JobConfig"])


def test_the_body_of_a_new_job_takes_that_config(document):
    body = document["paths"]["/api/jobs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    by_config = body["oneOf"][0]
    assert by_config["properties"]["config"] == {"$ref": "#/components/schemas/JobConfig"}
    assert by_config["additionalProperties"] is False


def test_a_key_added_to_jobconfig_appears_in_the_document(chalice_app, monkeypatch):
    parameters = jobconfig.SCHEMA.fields["parameters"]
    assert isinstance(parameters, jobconfig.Obj)
    grown = dataclasses.replace(
        jobconfig.SCHEMA,
        fields={
            **jobconfig.SCHEMA.fields,
            "colour": jobconfig.Enum(choices=("red", "blue"), default="red"),
            "parameters": dataclasses.replace(
                parameters, fields={**parameters.fields, "seed": jobconfig.Int(lo=0, hi=99, nullable=True)}
            ),
        },
    )
    monkeypatch.setattr(jobconfig, "SCHEMA", grown)
    config = openapi.build_document(chalice_app)["components"]["schemas"]["JobConfig"]
    assert config["properties"]["colour"]["enum"] == ["red", "blue"]
    assert config["properties"]["parameters"]["properties"]["seed"]["maximum"] == 99
    _assert_same_keys(grown, config)


def test_an_unknown_kind_of_field_is_not_silently_left_out():
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Colour(jobconfig.Spec):
        kind = "a colour"

    with pytest.raises(TypeError, match="Colour"):
        openapi.spec_schema(Colour())


def test_the_config_schema_accepts_the_defaults_and_a_full_config(document):
    validator = _config_validator(document)
    validator.validate(jobconfig.DEFAULTS)
    validator.validate({**jobconfig.DEFAULTS, "label": "Foxes", "plan": ["prompts", "generate", "finalize"]})
    validator.validate(
        {
            "generations": 2500,
            "variations": 4,
            "keywords_file": {"name": "words.CSV", "content": "Keyword\nfox\n"},
            "parameters": {"dimensions": ["512x768", " 1024 X 1024 "], "max_concurrency": 16},
            "processing": {"sharpening": 10, "saturation": 0},
        }
    )


@pytest.mark.parametrize(
    "config",
    [
        {"colour": "red"},
        {"api_keys": {"openai": "sk-x"}},
        {"generations": 0},
        {"variations": 21},
        {"parameters": {"max_concurrency": 17}},
        {"parameters": {"mystery": 1}},
        {"processing": {"jpg_quality": 101}},
        {"processing": {"saturation": 2.5}},
        {"provider": "dall-e"},
        {"plan": []},
        {"plan": ["generate", "generate"]},
        {"keywords": [""]},
        {"keywords_file": {"name": "words.pdf", "content": ""}},
        {"keywords_file": {"name": "words.txt"}},
        {"parameters": {"dimensions": ["big"]}},
        {"debug": "yes"},
    ],
)
def test_the_config_schema_refuses_what_jobconfig_refuses(document, config):
    with pytest.raises(ValidationError):
        jobconfig.normalize_config(config)
    assert not _config_validator(document).is_valid(config)
