"""Schemathesis hooks for `./dev test`'s API fuzzing: requests a real client would send.

Generated data stays what the document allows; these hooks only make schema-valid values
realistic where the server's rule depends on stored data or on the calendar, which no schema can
state (the schemathesis guide's own advice: "replace random generated data with realistic values
that work with your test environment"). A value the document does not allow is never touched, so
negative tests still send it.
"""

import datetime
import re
import uuid

import schemathesis

KEY = re.compile(r"^[ \t]*[!-~]([\t -~]{0,198}[!-~])?[ \t]*$")
DATE = re.compile(r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")
MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


@schemathesis.hook
def before_call(context, case, **kwargs):
    # A client makes a fresh Idempotency-Key for each new write; one key sent again with another
    # body is refused by design (422, as the IETF idempotency-key draft says).
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and KEY.match(key):
        headers["Idempotency-Key"] = str(uuid.uuid4())
        case.headers = headers
    # Work and consultations are logged for a day that has come, inside the organisation's
    # contract and outside its closed months: today (Moscow), for the demo's first organisation.
    body = case.body
    if case.method.upper() == "POST" and isinstance(body, dict):
        if case.path in ("/tasks/{id}/worklogs", "/consultations"):
            date = body.get("date")
            if isinstance(date, str) and DATE.match(date):
                body["date"] = datetime.datetime.now(MOSCOW).date().isoformat()
        if case.path == "/consultations":
            org = body.get("org_id")
            if isinstance(org, int) and not isinstance(org, bool) and org >= 1:
                body["org_id"] = 1
