"""Schemathesis fuzzes the JSON API from its own OpenAPI document with a valid token.

No request may get a server error, and every response must match the document (status code,
content type, body schema); requests that break the document must be refused with a 4xx.
"""
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.auths import negated_parameters
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import get_user
from tracker.extensions import db
from tracker.models import TokenKind
from tracker.services.tokens import create_token

EXAMPLES = 30  # per operation and mode; with the runs on real items, about 800 requests in all
MIN_REQUESTS = 500
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def _run(operation, strategy, headers, counter, checks):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case):
        # A negative case that drops or spoils the token must be sent as generated (and get 401).
        spoiled = any(name.lower() == "authorization" for name, _location in negated_parameters(case.meta))
        response = case.call(headers=None if spoiled else headers)
        counter[response.status_code] += 1
        case.validate_response(response, checks=checks)

    check()


def _has_inputs(operation) -> bool:
    return bool(list(operation.iter_parameters())) or bool(operation.body)


def test_the_api_matches_its_openapi_document(app, users, sample):
    with app.app_context():
        _token, secret = create_token(get_user("kepala"), TokenKind.API, "schemathesis")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    counter: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 15
    for operation in operations:
        _run(operation, operation.as_strategy(), headers, counter, CHECKS)
        if _has_inputs(operation):
            _run(operation, operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), headers, counter,
                 CHECKS + [negative_data_rejection])
        if "{item_id}" in operation.path:  # also on items that exist, so bodies reach the services
            for item_id in (sample["item1"], sample["item3"]):
                _run(operation, operation.as_strategy(path_parameters={"item_id": item_id}), headers, counter, CHECKS)
    total = sum(counter.values())
    print(f"schemathesis: {total} requests, by status: {dict(sorted(counter.items()))}")
    assert total >= MIN_REQUESTS
    assert not any(status >= 500 for status in counter)
    assert any(200 <= status < 300 for status in counter)
