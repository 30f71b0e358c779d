#!/usr/bin/env python3
"""An ITP partner program in Python, on the itp-client package: creates a
draft plan, submits it with a request_id and retries the submit as a partner
system would after a lost response, reads it back, lists the country's plans
a page at a time, and shows how a rejected plan's field violations arrive.

Connection settings come from the environment, as for the `itp` CLI:
ITP_ADDRESS, ITP_API_KEY_FILE or ITP_API_KEY, ITP_TLS_CA. The plan id is the
first argument (default green-steel-2050).

    ITP_ADDRESS=127.0.0.1:50051 ITP_API_KEY_FILE=partner.key \\
        python3 partner_example.py green-steel-2050
"""
import sys
import uuid

from google.protobuf import json_format

import itp_client
from itp.v1 import plan_pb2, plan_service_pb2

COUNTRY = "BRA"
# A Brazilian steel plan (31.9 Mt of crude steel at 1.7 t CO2/t in 2023).
PLAN = {
    "display_name": "Brazil low-carbon steel plan",
    "summary": "Charcoal-based and hydrogen-ready ironmaking towards 2050",
    "submitting_body": "Ministry of Development, Industry, Trade and Services",
    "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2023, "points": [
        {"year": 2023, "production_mt": 31.9, "intensity_tco2_per_t": 1.7},
        {"year": 2030, "production_mt": 36.0, "intensity_tco2_per_t": 1.3},
        {"year": 2050, "production_mt": 45.0, "intensity_tco2_per_t": 0.2}]}],
    "targets": [{"type": "NET_ZERO", "target_year": 2050}],
}


def main():
    plan_id = sys.argv[1] if len(sys.argv) > 1 else "green-steel-2050"
    client = itp_client.connect()
    state = plan_pb2.Plan.State.Name

    # 1. Create the draft.
    create = plan_service_pb2.CreatePlanRequest(
        parent="countries/" + COUNTRY, plan_id=plan_id,
        plan=json_format.ParseDict(PLAN, plan_pb2.Plan()),
        request_id=str(uuid.uuid4()))
    draft = client.plans.CreatePlan(create)
    print("created %s (%s, etag %s)" % (draft.name, state(draft.state),
                                        draft.etag))

    # 2. Submit it, then send the very same request again, as after a lost
    #    response: the server answers with the first result.
    submit = plan_service_pb2.SubmitPlanRequest(
        name=draft.name, etag=draft.etag, request_id=str(uuid.uuid4()))
    submitted = client.plans.SubmitPlan(submit)
    retried = client.plans.SubmitPlan(submit)
    print("submitted revision %d; retry with request_id %s returned "
          "revision %d and the same etag: %s"
          % (submitted.revision, submit.request_id, retried.revision,
             "yes" if retried.etag == submitted.etag else "no"))

    # 3. Read it back.
    read = client.plans.GetPlan(plan_service_pb2.GetPlanRequest(
        name=draft.name))
    print('read %s: "%s", %s, %d pathway points'
          % (read.name, read.display_name, state(read.state),
             len(read.sectors[0].points)))

    # 4. List the country's plans, one a page, following next_page_token.
    request = plan_service_pb2.ListPlansRequest(
        parent="countries/" + COUNTRY, page_size=1)
    pages = plans = 0
    while True:
        page = client.plans.ListPlans(request)
        pages += 1
        plans += len(page.plans)
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    print("listed %d plans of %s in %d pages" % (plans, COUNTRY, pages))

    # 5. A plan with mistakes: ItpError says which fields and why.
    bad = plan_service_pb2.CreatePlanRequest()
    bad.CopyFrom(create)
    bad.plan_id = plan_id + "-draft"
    bad.request_id = str(uuid.uuid4())
    bad.plan.sectors[0].base_year = 1850
    bad.plan.sectors[0].points[2].year = 2200
    try:
        client.plans.CreatePlan(bad)
    except itp_client.ItpError as error:
        print("rejected with code %d (%s), reason %s: %s"
              % (error.code.value[0], error.code.name, error.reason,
                 error.message))
        for violation in error.field_violations:
            print("  %s: %s" % (violation.field, violation.description))
        return 0 if error.code.name == "INVALID_ARGUMENT" else 1
    print("CreatePlan accepted a plan with a base year of 1850",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except itp_client.ItpError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
