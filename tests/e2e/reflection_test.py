#!/usr/bin/env python3
"""A client that knows nothing of ITP but what server reflection tells it
(ctest e2e.reflection): over grpc.reflection.v1 and over v1alpha, against the
real itp-server binary.

The client has no ITP .proto files and no google.rpc modules: only the
reflection protocol's own messages, compiled at test time. It lists the
services, fetches the file of itp.v1.PlanService with its dependencies,
builds a descriptor pool from those answers alone, sends a CreatePlan with
mistakes as a dynamic message, and decodes the grpc-status-details-bin
trailer (google.rpc.Status, then each Any's type fetched through reflection
by its name) into the field violations the server reported. Unknown symbols
and empty requests get the error answers of the protocol.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itp_e2e  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool  # noqa: E402
from google.protobuf import json_format, message_factory  # noqa: E402

ARGS = None
V1 = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
V1ALPHA = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
TIMEOUT_S = 20

# The Indian steel plan of the walkthrough, with three mistakes: a base year
# before 1990, a point in 2200 and an intensity that is not a number.
BAD_PLAN = {
    "parent": "countries/IND",
    "plan_id": "steel-2070",
    "plan": {
        "display_name": "India green steel roadmap",
        "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 1850, "points": [
            {"year": 2020, "production_mt": 100.3,
             "intensity_tco2_per_t": 2.54},
            {"year": 2030, "production_mt": 255.0,
             "intensity_tco2_per_t": "NaN"},
            {"year": 2200, "production_mt": 450.0,
             "intensity_tco2_per_t": 0.1}]}]},
}


def reflection_messages(out_dir):
    """The reflection protocol's messages (and nothing of ITP), generated
    from the server's copy of grpc/reflection/v1/reflection.proto."""
    proto_root = os.path.join(ARGS.source_dir, "server", "proto")
    subprocess.run(["protoc", "-I", proto_root, "--python_out=" + out_dir,
                    "grpc/reflection/v1/reflection.proto"], check=True)
    # Imported as a top-level module: the installed `grpc` package would
    # shadow a generated grpc.reflection package.
    package = os.path.join(out_dir, "grpc", "reflection", "v1")
    sys.path.insert(0, package)
    import reflection_pb2
    return reflection_pb2


class ReflectionClient:
    """One reflection stream per question, as grpcurl and buf curl ask."""

    def __init__(self, channel, method, messages):
        self._call = channel.stream_stream(
            method,
            request_serializer=messages.ServerReflectionRequest.
            SerializeToString,
            response_deserializer=messages.ServerReflectionResponse.FromString)
        self._messages = messages

    def ask(self, **request):
        answers = list(self._call(
            iter([self._messages.ServerReflectionRequest(**request)]),
            timeout=TIMEOUT_S))
        assert len(answers) == 1, answers
        return answers[0]

    def files(self, **request):
        answer = self.ask(**request)
        if answer.HasField("error_response"):
            raise LookupError(answer.error_response.error_message)
        files = []
        for blob in answer.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto()
            proto.ParseFromString(blob)
            files.append(proto)
        return files


def add_files(pool, files, known):
    """Adds `files` to `pool`, dependencies first, skipping `known` ones."""
    pending = [f for f in files if f.name not in known]
    while pending:
        ready = [f for f in pending if all(d in known for d in f.dependency)]
        if not ready:
            raise AssertionError("unresolvable imports: %s" % [
                (f.name, list(f.dependency)) for f in pending])
        for f in ready:
            pool.Add(f)
            known.add(f.name)
        pending = [f for f in pending if f.name not in known]


def message_class(pool, full_name):
    descriptor = pool.FindMessageTypeByName(full_name)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


class ReflectionTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=ARGS.work_dir)
        cls.messages = reflection_messages(cls.dir)
        db_dir = os.path.join(cls.dir, "db")
        os.makedirs(db_dir)
        cls.server = itp_e2e.ServerProcess(
            ARGS.server, os.path.join(db_dir, "itp.db"), cls.dir)
        cls.port = cls.server.wait_until_serving()
        cls.admin_key = itp_e2e.read_admin_key(db_dir)
        cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.stop()

    def client(self, method):
        return ReflectionClient(self.channel, method, self.messages)

    def test_both_versions_list_the_same_services(self):
        listed = {}
        for method in (V1, V1ALPHA):
            answer = self.client(method).ask(list_services="")
            listed[method] = sorted(
                s.name for s in answer.list_services_response.service)
        self.assertEqual(listed[V1], listed[V1ALPHA])
        self.assertEqual(listed[V1], [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
            "itp.v1.AdminService", "itp.v1.BenchmarkJobService",
            "itp.v1.BenchmarkService", "itp.v1.InvestmentService",
            "itp.v1.OpenDataService", "itp.v1.PlanService",
            "itp.v1.ProgressService", "itp.v1.ReviewService"])

    def test_a_bad_plans_field_violations_decode_from_reflection_alone(self):
        for method in (V1, V1ALPHA):
            with self.subTest(method=method):
                self.check_bad_plan(self.client(method))

    def check_bad_plan(self, reflection):
        pool = descriptor_pool.DescriptorPool()
        known = set()
        files = reflection.files(file_containing_symbol="itp.v1.PlanService")
        self.assertEqual(files[0].name, "itp/v1/plan_service.proto")
        self.assertIn("itp/v1/plan.proto", [f.name for f in files])
        add_files(pool, files, known)
        service = pool.FindServiceByName("itp.v1.PlanService")
        create = service.FindMethodByName("CreatePlan")
        request_class = message_class(pool, create.input_type.full_name)
        response_class = message_class(pool, create.output_type.full_name)
        request = json_format.ParseDict(BAD_PLAN, request_class())

        call = self.channel.unary_unary(
            "/itp.v1.PlanService/CreatePlan",
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString)
        with self.assertRaises(grpc.RpcError) as raised:
            call(request, timeout=TIMEOUT_S, metadata=[
                ("authorization", "Bearer " + self.admin_key)])
        error = raised.exception
        self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT)
        details = dict(error.trailing_metadata())["grpc-status-details-bin"]

        # google.rpc.Status and each detail's type, by name, from the server.
        add_files(pool, reflection.files(
            file_containing_symbol="google.rpc.Status"), known)
        status = message_class(pool, "google.rpc.Status")()
        status.ParseFromString(details)
        self.assertEqual(status.code, 3)
        decoded = {}
        for detail in status.details:
            type_name = detail.type_url.split("/")[-1]
            add_files(pool, reflection.files(
                file_containing_symbol=type_name), known)
            message = message_class(pool, type_name)()
            message.ParseFromString(detail.value)
            decoded[type_name] = message
        self.assertEqual(sorted(decoded),
                         ["google.rpc.BadRequest", "google.rpc.ErrorInfo"])
        self.assertEqual(decoded["google.rpc.ErrorInfo"].reason,
                         "INVALID_FIELDS")
        violations = [(v.field, v.description) for v in
                      decoded["google.rpc.BadRequest"].field_violations]
        self.assertIn(("plan.sectors[0].points[1].intensity_tco2_per_t",
                       "must be a finite number (got NaN)."), violations)
        fields = [field for field, _ in violations]
        self.assertIn("plan.sectors[0].points[2].year", fields)
        self.assertIn("plan.sectors[0].base_year", fields)

    def test_unknown_names_and_empty_requests_get_error_answers(self):
        for method in (V1, V1ALPHA):
            reflection = self.client(method)
            with self.subTest(method=method):
                answer = reflection.ask(
                    file_containing_symbol="itp.v1.NoSuchService")
                self.assertEqual(answer.error_response.error_code, 5)
                self.assertEqual(answer.original_request.
                                 file_containing_symbol,
                                 "itp.v1.NoSuchService")
                answer = reflection.ask(file_by_filename="itp/v1/nothing.proto")
                self.assertEqual(answer.error_response.error_code, 5)
                answer = reflection.ask(
                    all_extension_numbers_of_type="itp.v1.NoSuchMessage")
                self.assertEqual(answer.error_response.error_code, 5)
                answer = reflection.ask(host="itp.example")
                self.assertEqual(answer.error_response.error_code, 12)
        # v1 answers a file by name with its imports, the file first.
        files = self.client(V1).files(
            file_by_filename="itp/v1/review_service.proto")
        names = [f.name for f in files]
        self.assertEqual(names[0], "itp/v1/review_service.proto")
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("google/protobuf/timestamp.proto", names)

    def test_one_stream_answers_several_questions_in_order(self):
        call = self.channel.stream_stream(
            V1, request_serializer=self.messages.ServerReflectionRequest.
            SerializeToString,
            response_deserializer=self.messages.ServerReflectionResponse.
            FromString)
        questions = [
            self.messages.ServerReflectionRequest(list_services=""),
            self.messages.ServerReflectionRequest(
                file_containing_symbol="google.rpc.BadRequest"),
            self.messages.ServerReflectionRequest(
                file_containing_symbol="itp.v1.Plan.State")]
        answers = list(call(iter(questions), timeout=TIMEOUT_S))
        self.assertEqual(len(answers), 3)
        self.assertTrue(answers[0].HasField("list_services_response"))
        first = descriptor_pb2.FileDescriptorProto()
        first.ParseFromString(
            answers[1].file_descriptor_response.file_descriptor_proto[0])
        self.assertEqual(first.name, "google/rpc/error_details.proto")
        first.ParseFromString(
            answers[2].file_descriptor_response.file_descriptor_proto[0])
        self.assertEqual(first.name, "itp/v1/plan.proto")


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    os.makedirs(ARGS.work_dir, exist_ok=True)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
