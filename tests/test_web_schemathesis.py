"""Property-based test of the JSON API against its own OpenAPI schema (schemathesis, in process).

For every GET operation under /api, schemathesis generates parameters from the schema (valid and invalid)
and checks that no response is a server error, that each status code and content type is documented, and
that each body matches its documented schema (e.g. a 422 is the documented JSON error, never HTML), that
invalid data are rejected and undeclared methods answered with 405 and ``Allow``.  Not checked: that every
schema-valid request succeeds, because a value of the right form may still name nothing that exists (an
economy "ZZZ", a material, a dataset): that is the documented 422 naming the parameter.
Examples are bounded (``MAX_EXAMPLES`` per operation, random phase only) to keep the test near a minute.
"""
from __future__ import annotations

import warnings

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

MAX_EXAMPLES = 5


def _app():
    from samarkand.web import create_app

    return create_app()


schema = schemathesis.openapi.from_asgi("/openapi.json", _app()).include(path_regex="^/api/")
# the coverage phase enumerates every boundary of every parameter: minutes of computation on two cores
schema.config.phases.coverage.enabled = False


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, home):
    """``home``: an empty data home (SAMARKAND_HOME), so only the shipped data are served."""
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
