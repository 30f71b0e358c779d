#!/usr/bin/python3
"""End-to-end test of itp-server driven by an independent Python client.

The client is not our C++ code: Python stubs are generated at test time from
the repository's .proto files with grpc_tools (Debian python3-grpc-tools) and
talk to the real server binary over a loopback channel. Every test starts its
own server process on port 0 with a fresh SQLite database and stops it with
SIGTERM, asserting a clean exit.

Run as CTest does:

    /usr/bin/python3 tests/e2e/python_client_test.py \
        --server build/server/itp-server --proto-dir proto \
        --work-dir build/tests/e2e

The last line of output is `N passed, N failed`; the exit status is non-zero
on any failure.
"""

import importlib
import json
import os
import signal
import sys
import tempfile
import unittest
import uuid

import grpc
from google.protobuf import json_format

import itp_e2e

# Set by main() before the tests run.
SERVER_BINARY = None
RUN_DIR = None
# Generated modules, imported by _generate_stubs().
plan_pb2 = None
service_pb2 = None
service_pb2_grpc = None
status_pb2 = None
error_details_pb2 = None
health_pb2 = None
health_pb2_grpc = None

RPC_TIMEOUT_S = 10.0

# The India steel plan, in the proto3 JSON mapping, exactly as a partner
# system would send it.
INDIA_STEEL_JSON = """
{"parent": "countries/IND", "plan_id": "steel-2070",
 "request_id": "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10",
 "plan": {
   "display_name": "India green steel roadmap",
   "summary": "Crude steel towards net zero by 2070",
   "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2020, "points": [
       {"year": 2020, "production_mt": 100.3, "intensity_tco2_per_t": 2.54},
       {"year": 2030, "production_mt": 255.0, "intensity_tco2_per_t": 2.2},
       {"year": 2050, "production_mt": 400.0, "intensity_tco2_per_t": 1.0},
       {"year": 2070, "production_mt": 450.0, "intensity_tco2_per_t": 0.1}]}],
   "targets": [{"type": "NET_ZERO", "target_year": 2070,
                "conditional": false}],
   "projects": [{"name": "Hydrogen DRI demonstration plant",
       "technology": "HYDROGEN_DRI",
       "capacity_mtpa": 0.5, "capex_usd": 600000000, "start_year": 2027,
       "status": "ANNOUNCED"}]}}
"""

INDIA_STEEL_NAME = "countries/IND/plans/steel-2070"

# Indonesia's cement sector: about 65 Mt of cement a year at roughly
# 0.62 t CO2 per tonne, with the national net-zero year 2060.
INDONESIA_CEMENT_JSON = """
{"parent": "countries/IDN", "plan_id": "cement-2060",
 "plan": {
   "display_name": "Indonesia cement decarbonisation pathway",
   "summary": "Clinker substitution, alternative fuels and CCS towards 2060",
   "submitting_body": "Ministry of Industry, Republic of Indonesia",
   "sectors": [{"sector": "CEMENT", "base_year": 2022, "points": [
       {"year": 2022, "production_mt": 65.0, "intensity_tco2_per_t": 0.62},
       {"year": 2030, "production_mt": 75.0, "intensity_tco2_per_t": 0.55},
       {"year": 2060, "production_mt": 90.0, "intensity_tco2_per_t": 0.05}]}],
   "targets": [{"type": "NET_ZERO", "target_year": 2060}]}}
"""

# Brazil's steel sector: about 32 Mt of crude steel in 2023.
BRAZIL_STEEL_JSON = """
{"parent": "countries/BRA", "plan_id": "steel-2050",
 "plan": {
   "display_name": "Brazil low-carbon steel plan",
   "summary": "Charcoal-based and hydrogen-ready ironmaking towards 2050",
   "submitting_body": "Ministry of Development, Industry, Trade and Services",
   "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2023, "points": [
       {"year": 2023, "production_mt": 31.9, "intensity_tco2_per_t": 1.7},
       {"year": 2050, "production_mt": 45.0, "intensity_tco2_per_t": 0.2}]}],
   "targets": [{"type": "NET_ZERO", "target_year": 2050}]}}
"""


def _generate_stubs(proto_dir, out_dir):
    """Generates (with itp_e2e.generate_stubs) and imports stubs for the
    ITP, google.rpc and health protos."""
    health_root = itp_e2e.health_proto_root(proto_dir, out_dir)
    messages = [
        "itp/v1/admin_service.proto",
        "itp/v1/plan.proto",
        "itp/v1/plan_service.proto",
        "itp/v1/progress.proto",
        "itp/v1/progress_service.proto",
        "google/rpc/status.proto",
        "google/rpc/error_details.proto",
        itp_e2e.HEALTH_PROTO,
    ]
    services = ["itp/v1/admin_service.proto", "itp/v1/plan_service.proto",
                "itp/v1/progress_service.proto", itp_e2e.HEALTH_PROTO]
    itp_e2e.generate_stubs([proto_dir, health_root], out_dir, messages,
                           services)

    global plan_pb2, service_pb2, service_pb2_grpc, status_pb2
    global error_details_pb2, health_pb2, health_pb2_grpc
    global admin_pb2, admin_pb2_grpc
    global progress_pb2, progress_service_pb2, progress_service_pb2_grpc
    progress_pb2 = importlib.import_module("itp.v1.progress_pb2")
    progress_service_pb2 = importlib.import_module(
        "itp.v1.progress_service_pb2")
    progress_service_pb2_grpc = importlib.import_module(
        "itp.v1.progress_service_pb2_grpc")
    admin_pb2 = importlib.import_module("itp.v1.admin_service_pb2")
    admin_pb2_grpc = importlib.import_module(
        "itp.v1.admin_service_pb2_grpc")
    plan_pb2 = importlib.import_module("itp.v1.plan_pb2")
    service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    service_pb2_grpc = importlib.import_module("itp.v1.plan_service_pb2_grpc")
    status_pb2 = importlib.import_module("google.rpc.status_pb2")
    error_details_pb2 = importlib.import_module("google.rpc.error_details_pb2")
    health_pb2 = importlib.import_module("itp_e2e_health.health_pb2")
    health_pb2_grpc = importlib.import_module("itp_e2e_health.health_pb2_grpc")


class ItpServerTestCase(unittest.TestCase):
    """Starts servers for a test and stops them gracefully afterwards."""

    def setUp(self):
        self.test_dir = tempfile.mkdtemp(
            prefix=self.id().rsplit(".", 1)[-1] + "-", dir=RUN_DIR)
        self.db_path = os.path.join(self.test_dir, "itp.db")

    def start_server(self, demo=False):
        """Starts a server on this test's database; returns (server, stub).

        The server is stopped with SIGTERM at the end of the test unless the
        test stopped it already, and its exit code must be 0.
        """
        server = itp_e2e.ServerProcess(SERVER_BINARY, self.db_path,
                                       self.test_dir,
                                       args=["--demo"] if demo else [])
        self.addCleanup(self._stop_at_end, server)
        port = server.wait_until_serving()
        channel = grpc.insecure_channel("127.0.0.1:%d" % port)
        self.addCleanup(channel.close)
        grpc.channel_ready_future(channel).result(timeout=RPC_TIMEOUT_S)
        self.server = server
        self.channel = channel
        self.stub = service_pb2_grpc.PlanServiceStub(channel)
        return server, self.stub

    def stop_server(self, server):
        """Stops `server` with SIGTERM and asserts a clean exit."""
        self.channel.close()
        server.stop()

    def _stop_at_end(self, server):
        if server.running():
            self.stop_server(server)
        elif not server.accounted_for:
            server.accounted_for = True
            self.fail("itp-server died during the test with exit code %d:\n%s"
                      % (server.process.returncode, server.log()))

    # Helpers for calls and errors.

    def admin_key(self):
        """The admin key the server wrote beside the database at first
        start."""
        return itp_e2e.read_admin_key(self.test_dir)

    def call(self, method, request, key=None):
        """Calls `method` with a deadline, authenticated with `key` (by
        default the admin key)."""
        metadata = (("authorization",
                     "Bearer " + (key if key is not None
                                  else self.admin_key())),)
        return method(request, timeout=RPC_TIMEOUT_S, metadata=metadata)

    def assert_rpc_error(self, code, method, request, key=None):
        """Asserts that the call fails with `code`; returns the error."""
        with self.assertRaises(grpc.RpcError) as caught:
            self.call(method, request, key=key)
        error = caught.exception
        self.assertEqual(
            error.code(), code,
            "expected %s, got %s: %s" % (code, error.code(), error.details()))
        return error

    def status_details(self, error):
        """Decodes the google.rpc.Status from `grpc-status-details-bin`."""
        for key, value in error.trailing_metadata() or ():
            if key == "grpc-status-details-bin":
                status = status_pb2.Status()
                status.ParseFromString(value)
                self.assertEqual(status.code, error.code().value[0])
                return status
        self.fail("no grpc-status-details-bin trailer on %s: %s"
                  % (error.code(), error.details()))

    def unpack_detail(self, error, message_class):
        """Returns the first detail of type `message_class` in the trailer."""
        status = self.status_details(error)
        for detail in status.details:
            if detail.Is(message_class.DESCRIPTOR):
                message = message_class()
                detail.Unpack(message)
                return message
        self.fail("no %s in the status details of %s: %s" % (
            message_class.DESCRIPTOR.full_name, error.code(),
            [detail.type_url for detail in status.details]))

    def assert_error_info(self, error):
        """Asserts that the error carries a google.rpc.ErrorInfo."""
        info = self.unpack_detail(error, error_details_pb2.ErrorInfo)
        self.assertTrue(info.reason, "ErrorInfo without reason: %s" % info)
        return info

    def create_key(self, role, countries=(), display_name="test key"):
        """Creates an API key with the admin key; returns the response
        (with the secret)."""
        admin = admin_pb2_grpc.AdminServiceStub(self.channel)
        return self.call(admin.CreateApiKey, admin_pb2.CreateApiKeyRequest(
            api_key=admin_pb2.ApiKey(display_name=display_name, role=role,
                                     countries=list(countries))))

    # Helpers for plans.

    def create_request(self, body_json=INDIA_STEEL_JSON, **overrides):
        request = json_format.Parse(body_json, service_pb2.CreatePlanRequest())
        for field, value in overrides.items():
            setattr(request, field, value)
        return request

    def create_plan(self, body_json=INDIA_STEEL_JSON):
        return self.call(self.stub.CreatePlan, self.create_request(body_json))

    def submit_plan(self, plan):
        return self.call(self.stub.SubmitPlan, service_pb2.SubmitPlanRequest(
            name=plan.name, etag=plan.etag, request_id=str(uuid.uuid4())))

    def list_all_plans(self, **fields):
        return self.call(self.stub.ListPlans, service_pb2.ListPlansRequest(
            parent="countries/-", **fields))


class PlanLifecycleTest(ItpServerTestCase):

    def test_create_get_list_update_submit_and_read_revisions(self):
        """A plan sent as proto3 JSON goes from DRAFT to revision 1.

        Proves that the verbatim JSON body is accepted, that reads, the
        country filter and a masked update see the same plan, and that
        SubmitPlan freezes an immutable revision readable by name and in the
        revision list.
        """
        self.start_server()
        created = self.create_plan()
        self.assertEqual(created.name, INDIA_STEEL_NAME)
        self.assertEqual(created.state, plan_pb2.Plan.DRAFT)
        self.assertEqual(created.country, "IND")
        self.assertEqual(created.revision, 0)
        self.assertTrue(created.etag)
        self.assertTrue(created.HasField("create_time"))
        self.assertEqual(created.display_name, "India green steel roadmap")
        self.assertEqual(len(created.sectors[0].points), 4)
        self.assertAlmostEqual(
            created.sectors[0].points[0].intensity_tco2_per_t, 2.54)
        self.assertEqual(created.projects[0].technology,
                         plan_pb2.Project.HYDROGEN_DRI)
        self.assertEqual(created.projects[0].capex_usd, 600000000)

        fetched = self.call(self.stub.GetPlan,
                            service_pb2.GetPlanRequest(name=created.name))
        self.assertEqual(fetched, created)

        self.create_plan(INDONESIA_CEMENT_JSON)
        listed = self.list_all_plans(filter="country = IND")
        self.assertEqual([plan.name for plan in listed.plans],
                         [INDIA_STEEL_NAME])
        self.assertEqual(listed.total_size, 1)
        self.assertEqual(listed.next_page_token, "")
        self.assertEqual(listed.plans[0], created)

        update = service_pb2.UpdatePlanRequest(plan=plan_pb2.Plan(
            name=created.name, etag=created.etag,
            display_name="India green steel roadmap 2070"))
        update.update_mask.paths.append("display_name")
        updated = self.call(self.stub.UpdatePlan, update)
        self.assertEqual(updated.display_name,
                         "India green steel roadmap 2070")
        self.assertNotEqual(updated.etag, created.etag)
        self.assertEqual(updated.state, plan_pb2.Plan.DRAFT)
        # Fields outside the mask are kept.
        self.assertEqual(updated.summary, created.summary)
        self.assertEqual(updated.sectors, created.sectors)
        self.assertEqual(updated.projects, created.projects)

        submitted = self.call(
            self.stub.SubmitPlan, service_pb2.SubmitPlanRequest(
                name=created.name, etag=updated.etag,
                request_id="7d1c3f52-9b8e-4a61-b0d4-3e5f6a7b8c90"))
        self.assertEqual(submitted.state, plan_pb2.Plan.SUBMITTED)
        self.assertEqual(submitted.revision, 1)
        self.assertTrue(submitted.HasField("submit_time"))
        self.assertNotEqual(submitted.etag, updated.etag)

        revision = self.call(
            self.stub.GetPlanRevision, service_pb2.GetPlanRevisionRequest(
                name=INDIA_STEEL_NAME + "/revisions/1"))
        self.assertEqual(revision.name, INDIA_STEEL_NAME + "/revisions/1")
        self.assertEqual(revision.revision, 1)
        self.assertEqual(revision.plan.name, INDIA_STEEL_NAME)
        self.assertEqual(revision.plan.state, plan_pb2.Plan.SUBMITTED)
        self.assertEqual(revision.plan.revision, 1)
        self.assertEqual(revision.plan.display_name,
                         "India green steel roadmap 2070")
        self.assertEqual(revision.plan.sectors, created.sectors)
        self.assertTrue(revision.HasField("create_time"))

        revisions = self.call(
            self.stub.ListPlanRevisions,
            service_pb2.ListPlanRevisionsRequest(parent=INDIA_STEEL_NAME))
        self.assertEqual(list(revisions.revisions), [revision])
        self.assertEqual(revisions.next_page_token, "")


class ValidationTest(ItpServerTestCase):

    def test_invalid_create_reports_every_violated_field(self):
        """One INVALID_ARGUMENT lists each bad field, and only those.

        The India body with an unknown country, a NaN intensity and a year
        beyond 2100 yields a google.rpc.BadRequest in the
        grpc-status-details-bin trailer with exactly three field violations,
        and no plan is stored.
        """
        self.start_server()
        body = json.loads(INDIA_STEEL_JSON)
        body["parent"] = "countries/XYZ"
        points = body["plan"]["sectors"][0]["points"]
        points[1]["intensity_tco2_per_t"] = "NaN"
        points[3]["year"] = 2200
        request = json_format.Parse(json.dumps(body),
                                    service_pb2.CreatePlanRequest())

        error = self.assert_rpc_error(grpc.StatusCode.INVALID_ARGUMENT,
                                      self.stub.CreatePlan, request)
        bad_request = self.unpack_detail(error, error_details_pb2.BadRequest)
        fields = sorted(v.field for v in bad_request.field_violations)
        self.assertEqual(fields, [
            "parent",
            "plan.sectors[0].points[1].intensity_tco2_per_t",
            "plan.sectors[0].points[3].year",
        ])
        for violation in bad_request.field_violations:
            self.assertTrue(violation.description,
                            "no description for %s" % violation.field)

        self.assertEqual(self.list_all_plans().total_size, 0)


class ConcurrencyAndStateTest(ItpServerTestCase):

    def test_stale_etag_and_frozen_content_are_rejected(self):
        """Stale etags abort; submitted content cannot change or vanish.

        UpdatePlan with an etag older than the latest change is ABORTED;
        after SubmitPlan, UpdatePlan and DeletePlan are FAILED_PRECONDITION.
        Each error carries a google.rpc.ErrorInfo and leaves the plan as it
        was.
        """
        self.start_server()
        created = self.create_plan()

        first_edit = service_pb2.UpdatePlanRequest(plan=plan_pb2.Plan(
            name=created.name, etag=created.etag,
            submitting_body="Ministry of Steel, Government of India"))
        first_edit.update_mask.paths.append("submitting_body")
        edited = self.call(self.stub.UpdatePlan, first_edit)

        stale_edit = service_pb2.UpdatePlanRequest(plan=plan_pb2.Plan(
            name=created.name, etag=created.etag,
            display_name="India steel roadmap (stale copy)"))
        stale_edit.update_mask.paths.append("display_name")
        error = self.assert_rpc_error(grpc.StatusCode.ABORTED,
                                      self.stub.UpdatePlan, stale_edit)
        self.assert_error_info(error)
        current = self.call(self.stub.GetPlan,
                            service_pb2.GetPlanRequest(name=created.name))
        self.assertEqual(current, edited)

        submitted = self.submit_plan(edited)
        self.assertEqual(submitted.state, plan_pb2.Plan.SUBMITTED)

        late_edit = service_pb2.UpdatePlanRequest(plan=plan_pb2.Plan(
            name=created.name, etag=submitted.etag,
            summary="Crude steel towards net zero by 2060"))
        late_edit.update_mask.paths.append("summary")
        error = self.assert_rpc_error(grpc.StatusCode.FAILED_PRECONDITION,
                                      self.stub.UpdatePlan, late_edit)
        self.assert_error_info(error)

        error = self.assert_rpc_error(
            grpc.StatusCode.FAILED_PRECONDITION, self.stub.DeletePlan,
            service_pb2.DeletePlanRequest(name=created.name))
        self.assert_error_info(error)

        current = self.call(self.stub.GetPlan,
                            service_pb2.GetPlanRequest(name=created.name))
        self.assertEqual(current, submitted)


class IdempotencyTest(ItpServerTestCase):

    def test_retries_with_same_request_id_return_first_result(self):
        """Retried CreatePlan and SubmitPlan change nothing.

        Repeating either call with the same request_id returns a message
        equal to the first answer and stores no second revision.
        """
        self.start_server()
        request = self.create_request()
        created = self.call(self.stub.CreatePlan, request)
        self.assertEqual(self.call(self.stub.CreatePlan, request), created)

        submit = service_pb2.SubmitPlanRequest(
            name=created.name, etag=created.etag,
            request_id="c4a1e9d2-5f37-4b8a-8e26-91d0b3f7a5c4")
        submitted = self.call(self.stub.SubmitPlan, submit)
        self.assertEqual(submitted.revision, 1)
        self.assertEqual(self.call(self.stub.SubmitPlan, submit), submitted)

        current = self.call(self.stub.GetPlan,
                            service_pb2.GetPlanRequest(name=created.name))
        self.assertEqual(current, submitted)
        revisions = self.call(
            self.stub.ListPlanRevisions,
            service_pb2.ListPlanRevisionsRequest(parent=created.name))
        self.assertEqual([r.revision for r in revisions.revisions], [1])
        self.assertEqual(self.list_all_plans().total_size, 1)

    def test_same_plan_id_with_new_request_id_already_exists(self):
        """A different request for an existing plan name is ALREADY_EXISTS.

        The error carries a google.rpc.ErrorInfo and the stored plan keeps
        its original content.
        """
        self.start_server()
        created = self.create_plan()
        request = self.create_request(
            request_id="5e2b8c71-0a94-4d3f-b6e1-7c9a2d4f8b03")
        request.plan.display_name = "India steel roadmap, second draft"
        error = self.assert_rpc_error(grpc.StatusCode.ALREADY_EXISTS,
                                      self.stub.CreatePlan, request)
        self.assert_error_info(error)
        current = self.call(self.stub.GetPlan,
                            service_pb2.GetPlanRequest(name=created.name))
        self.assertEqual(current, created)


class FilterTest(ItpServerTestCase):

    def test_sql_in_filter_is_invalid_argument_and_tables_intact(self):
        """A filter smuggling SQL is rejected as a bad `filter` field.

        The server answers INVALID_ARGUMENT with a BadRequest naming
        `filter`, and afterwards every plan is still listed, so the text
        never reached the database as SQL.
        """
        self.start_server()
        india = self.create_plan()
        self.create_plan(INDONESIA_CEMENT_JSON)
        self.create_plan(BRAZIL_STEEL_JSON)
        self.submit_plan(india)

        error = self.assert_rpc_error(
            grpc.StatusCode.INVALID_ARGUMENT, self.stub.ListPlans,
            service_pb2.ListPlansRequest(
                parent="countries/-",
                filter="state = SUBMITTED; DROP TABLE plans"))
        bad_request = self.unpack_detail(error, error_details_pb2.BadRequest)
        self.assertEqual([v.field for v in bad_request.field_violations],
                         ["filter"])

        listed = self.list_all_plans()
        self.assertEqual(listed.total_size, 3)
        self.assertEqual(sorted(plan.name for plan in listed.plans), [
            "countries/BRA/plans/steel-2050",
            "countries/IDN/plans/cement-2060",
            INDIA_STEEL_NAME,
        ])
        submitted = self.list_all_plans(filter="state = SUBMITTED")
        self.assertEqual([plan.name for plan in submitted.plans],
                         [INDIA_STEEL_NAME])
        revision = self.call(
            self.stub.GetPlanRevision, service_pb2.GetPlanRevisionRequest(
                name=INDIA_STEEL_NAME + "/revisions/1"))
        self.assertEqual(revision.revision, 1)


class DurabilityTest(ItpServerTestCase):

    def test_submitted_plan_survives_sigkill(self):
        """An acknowledged submission is durable across a crash.

        After SubmitPlan returns, the server is killed with SIGKILL; a new
        server on the same database returns the plan SUBMITTED at revision 1
        and its revision is readable.
        """
        server, _ = self.start_server()
        submitted = self.submit_plan(self.create_plan())
        self.channel.close()
        self.assertEqual(server.kill(), -signal.SIGKILL)

        self.start_server()
        current = self.call(self.stub.GetPlan,
                            service_pb2.GetPlanRequest(name=INDIA_STEEL_NAME))
        self.assertEqual(current.state, plan_pb2.Plan.SUBMITTED)
        self.assertEqual(current.revision, 1)
        self.assertEqual(current, submitted)
        revision = self.call(
            self.stub.GetPlanRevision, service_pb2.GetPlanRevisionRequest(
                name=INDIA_STEEL_NAME + "/revisions/1"))
        self.assertEqual(revision.plan.state, plan_pb2.Plan.SUBMITTED)
        self.assertEqual(revision.plan.sectors, submitted.sectors)

    def test_data_survives_graceful_restart(self):
        """Plans, drafts and revisions persist across a SIGTERM restart.

        The first server exits 0 on SIGTERM; the next one on the same
        database serves the same submitted and draft plans.
        """
        server, _ = self.start_server()
        submitted = self.submit_plan(self.create_plan())
        draft = self.create_plan(INDONESIA_CEMENT_JSON)
        self.stop_server(server)

        self.start_server()
        listed = self.list_all_plans()
        self.assertEqual(listed.total_size, 2)
        self.assertEqual(sorted(listed.plans, key=lambda plan: plan.name),
                         [draft, submitted])
        revisions = self.call(
            self.stub.ListPlanRevisions,
            service_pb2.ListPlanRevisionsRequest(parent=INDIA_STEEL_NAME))
        self.assertEqual([r.revision for r in revisions.revisions], [1])


class DemoTest(ItpServerTestCase):

    def test_demo_seeds_six_plans_once(self):
        """--demo adds the six demonstration plans, and only once.

        The first start lists six plans including India's steel plan; a
        second start with --demo on the same database still lists six.
        """
        server, _ = self.start_server(demo=True)
        listed = self.list_all_plans()
        self.assertEqual(listed.total_size, 6)
        self.assertEqual(len(listed.plans), 6)
        names = [plan.name for plan in listed.plans]
        self.assertIn(INDIA_STEEL_NAME, names)
        self.assertEqual(len(set(names)), 6)
        self.stop_server(server)

        self.start_server(demo=True)
        again = self.list_all_plans()
        self.assertEqual(again.total_size, 6)
        self.assertEqual(sorted(plan.name for plan in again.plans),
                         sorted(names))
        india = self.call(self.stub.GetPlan,
                          service_pb2.GetPlanRequest(name=INDIA_STEEL_NAME))
        revisions = self.call(
            self.stub.ListPlanRevisions,
            service_pb2.ListPlanRevisionsRequest(parent=INDIA_STEEL_NAME))
        self.assertEqual(len(revisions.revisions), india.revision)


# The request of the progress-tracking issue, verbatim.
INDIA_PROGRESS_2024_JSON = """
{"parent": "countries/IND/plans/steel-2070", "reporting_year": 2024,
 "request_id": "5d0c3a8e-7f21-4b6e-9c44-1a2b3c4d5e6f",
 "progress_report": {
   "sectors": [{"sector": "IRON_AND_STEEL", "points": [
       {"year": 2022, "production_mt": 125.3, "intensity_tco2_per_t": 2.52},
       {"year": 2023, "production_mt": 140.8, "intensity_tco2_per_t": 2.49},
       {"year": 2024, "production_mt": 149.6, "intensity_tco2_per_t": 2.47}]}],
   "project_updates": [{"project_name": "Hydrogen DRI demonstration plant",
       "status": "UNDER_CONSTRUCTION", "capital_spent_usd": 150000000}],
   "narrative": "Output grew 6 % in 2024; intensity fell 0.8 %."}}
"""


class ProgressTest(ItpServerTestCase):

    def test_partner_files_the_issues_report_and_reads_the_assessment(self):
        """The issue's request, in the proto3 JSON mapping, is accepted on
        the demo's India steel plan (after the demo's own 2023 report); once
        published, GetPlanProgress gives the hand-calculated figures.

        P(2024) = 2.54 + (2.2 - 2.54) * 4 / 10 = 2.404
        dev     = (2.47 - 2.404) / 2.404 = 0.027454242928452697
        r_obs   = (2.47 / 2.54) ** (1 / 4) - 1 = -0.006962133865093034
                  (no 2020 actual: the plan's 2.54)
        r_req   = (2.2 / 2.47) ** (1 / 6) - 1 = -0.019108537357505062
        status  MORE_EFFORT_NEEDED (0.02 < dev <= 0.10)
        """
        self.start_server(demo=True)
        india = self.create_key(admin_pb2.PARTNER, ["IND"],
                                "Ministry of Steel, India - progress").secret
        brazil = self.create_key(admin_pb2.PARTNER, ["BRA"],
                                 "Ministry of Development, Brazil").secret
        progress = progress_service_pb2_grpc.ProgressServiceStub(self.channel)
        # The demo's reports: Viet Nam cement is the plan that is behind.
        behind = self.list_all_plans(filter="progress_status = NOT_ON_TRACK")
        self.assertEqual([p.name for p in behind.plans],
                         ["countries/VNM/plans/cement-2050"])

        request = json_format.Parse(
            INDIA_PROGRESS_2024_JSON,
            progress_service_pb2.CreateProgressReportRequest())
        draft = self.call(progress.CreateProgressReport, request, key=india)
        self.assertEqual(
            draft.name, INDIA_STEEL_NAME + "/progressReports/2024")
        self.assertEqual(draft.state, progress_pb2.ProgressReport.DRAFT)
        self.assertEqual(draft.plan_revision,
                         INDIA_STEEL_NAME + "/revisions/1")
        retried = self.call(progress.CreateProgressReport, request, key=india)
        self.assertEqual(retried, draft)
        # Brazil's partner cannot see India's draft.
        self.assert_rpc_error(
            grpc.StatusCode.PERMISSION_DENIED, progress.GetProgressReport,
            progress_service_pb2.GetProgressReportRequest(
                name=draft.name, version=1), key=brazil)

        published = self.call(
            progress.PublishProgressReport,
            progress_service_pb2.PublishProgressReportRequest(
                name=draft.name, etag=draft.etag), key=india)
        self.assertEqual(published.state,
                         progress_pb2.ProgressReport.PUBLISHED)
        again = request.__class__()
        again.CopyFrom(request)
        again.request_id = ""
        error = self.assert_rpc_error(grpc.StatusCode.ALREADY_EXISTS,
                                      progress.CreateProgressReport, again,
                                      key=india)
        self.assertEqual(self.assert_error_info(error).reason,
                         "PROGRESS_REPORT_EXISTS")

        status = self.call(
            progress.GetPlanProgress,
            progress_service_pb2.GetPlanProgressRequest(
                name=INDIA_STEEL_NAME), key=india)
        self.assertEqual(status.progress_report, draft.name)
        self.assertEqual(status.reporting_year, 2024)
        self.assertEqual(status.status, progress_pb2.MORE_EFFORT_NEEDED)
        self.assertEqual(list(status.reporting.reported_years), [2024, 2023])
        intensity = status.sectors[0].intensity
        self.assertEqual(intensity.latest_year, 2024)
        self.assertAlmostEqual(intensity.planned, 2.404, places=12)
        self.assertAlmostEqual(intensity.deviation, 0.027454242928452697,
                               places=12)
        self.assertTrue(intensity.base_from_plan)
        self.assertAlmostEqual(intensity.observed_rate,
                               (2.47 / 2.54) ** 0.25 - 1, places=12)
        self.assertEqual(intensity.milestone_year, 2030)
        self.assertAlmostEqual(intensity.required_rate,
                               (2.2 / 2.47) ** (1 / 6) - 1, places=12)
        self.assertEqual(status.method_version, "itp-progress/1.0")
        self.assertEqual(
            self.list_all_plans(
                filter="progress_status = MORE_EFFORT_NEEDED").plans[0].name,
            INDIA_STEEL_NAME)


class HealthTest(ItpServerTestCase):

    def test_plan_service_reports_serving_without_a_key(self):
        """Health checks need no API key, so load balancers can use them."""
        self.start_server()
        health = health_pb2_grpc.HealthStub(self.channel)
        response = health.Check(
            health_pb2.HealthCheckRequest(service="itp.v1.PlanService"),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(response.status,
                         health_pb2.HealthCheckResponse.SERVING)


class AccessTest(ItpServerTestCase):

    def test_calls_without_a_valid_key_are_unauthenticated(self):
        """No key, a malformed key and a made-up key all get
        UNAUTHENTICATED, and nothing is created."""
        self.start_server()
        request = self.create_request()
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.CreatePlan(request, timeout=RPC_TIMEOUT_S)
        self.assertEqual(caught.exception.code(),
                         grpc.StatusCode.UNAUTHENTICATED)
        for key in ("not-a-key",
                    "itp_0123456789abcdef_"
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"):
            self.assert_rpc_error(grpc.StatusCode.UNAUTHENTICATED,
                                  self.stub.CreatePlan, request, key=key)
        listed = self.list_all_plans()
        self.assertEqual(listed.total_size, 0)

    def test_partner_key_is_scoped_to_its_country_and_revocable(self):
        """A PARTNER key for IND creates and submits an India plan, cannot
        create a Brazil plan, keeps working after a restart, and fails on
        its next call once revoked."""
        self.start_server()
        created = self.create_key(admin_pb2.PARTNER, ["IND"],
                                  "Ministry of Steel, India - plan upload")
        self.assertTrue(created.secret.startswith("itp_"))
        self.assertEqual(created.api_key.state, admin_pb2.ApiKey.ACTIVE)
        partner = created.secret
        plan = self.call(self.stub.CreatePlan, self.create_request(),
                         key=partner)
        self.assertEqual(plan.name, INDIA_STEEL_NAME)
        brazil = self.create_request(parent="countries/BRA",
                                     plan_id="steel-2050")
        self.assert_rpc_error(grpc.StatusCode.PERMISSION_DENIED,
                              self.stub.CreatePlan, brazil, key=partner)

        self.stop_server(self.server)
        self.start_server()
        submitted = self.call(self.stub.SubmitPlan,
                              service_pb2.SubmitPlanRequest(
                                  name=INDIA_STEEL_NAME), key=partner)
        self.assertEqual(submitted.state, plan_pb2.Plan.SUBMITTED)

        admin = admin_pb2_grpc.AdminServiceStub(self.channel)
        revoked = self.call(admin.RevokeApiKey, admin_pb2.RevokeApiKeyRequest(
            name=created.api_key.name))
        self.assertEqual(revoked.state, admin_pb2.ApiKey.REVOKED)
        self.assert_rpc_error(grpc.StatusCode.UNAUTHENTICATED,
                              self.stub.GetPlan,
                              service_pb2.GetPlanRequest(
                                  name=INDIA_STEEL_NAME), key=partner)

    def test_admin_key_file_is_private(self):
        """The bootstrap admin key file is readable by its owner only."""
        self.start_server()
        mode = os.stat(os.path.join(self.test_dir, "itp-admin.key")).st_mode
        self.assertEqual(mode & 0o777, 0o600)


def main():
    return itp_e2e.main_with_stubs(sys.modules[__name__], "HealthTest",
                                   _generate_stubs)


if __name__ == "__main__":
    sys.exit(main())
