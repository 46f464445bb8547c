# Schemathesis hooks for scripts/contract-test (loaded through SCHEMATHESIS_HOOKS). `POST /v2/snapshots` takes
# NDJSON (`application/x-ndjson`), which schemathesis cannot serialize by itself: a generated string is sent as is,
# anything else as one JSON object (or one per item of a list) per line.
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")
