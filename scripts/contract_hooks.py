# Schemathesis hooks for scripts/contract-test (loaded through SCHEMATHESIS_HOOKS).
#
# The OpenAPI document states every rule JSON Schema can state. A few rules it cannot: they relate two fields, or
# today's date, or server state. For *positive* cases only — requests the document promises the server will accept —
# these hooks make generated data obey those rules, so `positive_data_acceptance` tests what it promises and nothing
# else. Negative cases are left exactly as generated, and no check is switched off or filtered. The rules are the ones
# the README states ("Analytics windows", "API conventions"):
#
# - Windows: a preset `period` (7d, 30d, 90d) takes no dates; `custom` — or dates without `period` — needs both dates,
#   `start_date` <= `end_date` <= today (UTC), at most 366 days. The hook drops dates a preset cannot take, supplies a
#   missing date, and moves dates into range.
# - `cursor` is an opaque, signed token from a previous page: one cannot be generated from a schema, so a positive case
#   sends none (an empty `cursor=` is kept: it means the first page).
# - `POST /v2/snapshots` takes NDJSON (`application/x-ndjson`), which schemathesis cannot serialize by itself: a
#   generated string is sent as is, anything else as one JSON object (or one per item of a list) per line.
# - `creator_id` in `POST /v2/accounts` must name one of the organization's creators: a random UUID cannot be valid
#   data, so a positive case sends null (no creator).
import datetime
import json

import schemathesis

PRESETS = {"7d", "30d", "90d"}
WINDOW_BODIES = {"/v2/accounts/metrics", "/v2/videos/metrics", "/v2/account-videos/metrics"}


def _positive(case) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _repair_window(values: dict, null_is_absent: bool) -> None:
    """Make `period`/`start_date`/`end_date` in `values` obey the cross-field rule, in place."""
    def present(name):
        return name in values and not (null_is_absent and values[name] is None)

    period = values.get("period") if present("period") else None
    start = _date(values.get("start_date")) if present("start_date") else None
    end = _date(values.get("end_date")) if present("end_date") else None
    if period in PRESETS:
        values.pop("start_date", None)
        values.pop("end_date", None)
        return
    if period is None and start is None and end is None:
        return  # the default window
    today = datetime.datetime.now(datetime.timezone.utc).date()
    end = min(end or today, today)
    start = start or end - datetime.timedelta(days=6)
    if start > end:
        start = end
    if (end - start).days + 1 > 366:
        start = end - datetime.timedelta(days=365)
    values["start_date"] = start.isoformat()
    values["end_date"] = end.isoformat()


@schemathesis.hook
def map_case(context, case):
    if not _positive(case):
        return case
    path = case.operation.path
    query = case.query if isinstance(case.query, dict) else None
    if query is not None:
        if query.get("cursor"):
            del query["cursor"]
        if {"period", "start_date", "end_date"} & set(query):
            _repair_window(query, null_is_absent=False)
    body = case.body if isinstance(case.body, dict) else None
    if body is not None and case.method.upper() == "POST":
        if path in WINDOW_BODIES:
            _repair_window(body, null_is_absent=True)
        if path == "/v2/accounts" and body.get("creator_id") is not None:
            body["creator_id"] = None
    return case


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")
