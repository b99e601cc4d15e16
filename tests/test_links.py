"""Links written the cheap way (urls.query_url, for tables that link every row) are the links url_for writes."""
import pytest
from flask import url_for

from tracker.urls import query_url

ARGUMENTS = [
    {},
    {"webinar": 7},
    {"period": "semester", "webinar": None, "units": "overdue"},
    {"unit": 3, "overdue": 1, "q": "perda & sk/2024: \"kasali\" 100%"},
    {"status": ["baru", "dikerjakan"], "owner": 0},
    {"q": "pelatihan dasar ñ é", "sort": "-due"},
]


@pytest.mark.parametrize("arguments", ARGUMENTS)
@pytest.mark.parametrize("endpoint", ["lists.items", "dashboard.index"])
def test_query_url_writes_what_url_for_writes(app, endpoint, arguments):
    for script_root in ("", "/tl"):  # also behind a reverse proxy that mounts the app under a prefix
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
            assert query_url(endpoint, **arguments) == url_for(endpoint, **arguments)

