"""itp_client: a Python client for the ITP (Industry Transition Plan) API.

    import itp_client
    from itp.v1 import plan_service_pb2

    client = itp_client.connect()   # ITP_ADDRESS, ITP_API_KEY_FILE, ITP_TLS_CA
    try:
        plan = client.plans.GetPlan(plan_service_pb2.GetPlanRequest(
            name="countries/IND/plans/steel-2070"))
    except itp_client.ItpError as error:
        print(error.code, error.reason, error.field_violations)

The generated modules are in the `itp.v1` package (messages `*_pb2`, stubs
`*_pb2_grpc`). Every call of a client's stubs raises ItpError (a
grpc.RpcError) with the server's google.rpc details decoded: ErrorInfo
reason, domain and metadata, BadRequest field violations, RetryInfo delay.
"""
import os

import grpc

try:  # googleapis-common-protos, where installed
    from google.rpc import error_details_pb2, status_pb2
except ImportError:  # the copies generated with this package
    from itp_client._googleapis import error_details_pb2, status_pb2

__all__ = ["Client", "ItpError", "FieldViolation", "connect", "error_of"]

DEFAULT_ADDRESS = "127.0.0.1:50051"
DEFAULT_TIMEOUT_S = 30.0


class FieldViolation(tuple):
    """One invalid field of a rejected request: (field, description)."""
    __slots__ = ()

    def __new__(cls, field, description):
        return super().__new__(cls, (field, description))

    @property
    def field(self):
        return self[0]

    @property
    def description(self):
        return self[1]


class ItpError(grpc.RpcError):
    """A failed ITP call, with the details the server sent.

    code: grpc.StatusCode; message: the status message; reason, domain,
    metadata: of the google.rpc.ErrorInfo ("" and {} without one);
    field_violations: [FieldViolation] of a google.rpc.BadRequest;
    retry_delay: seconds of a google.rpc.RetryInfo, or None.
    """

    def __init__(self, code, message, reason="", domain="", metadata=None,
                 field_violations=(), retry_delay=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata = dict(metadata or {})
        self.field_violations = list(field_violations)
        self.retry_delay = retry_delay

    def __str__(self):
        lines = ["%s: %s" % (self.code.name, self.message)]
        lines += ["  %s: %s" % v for v in self.field_violations]
        return "\n".join(lines)


def error_of(rpc_error):
    """The ItpError for a grpc.RpcError raised by a call."""
    if isinstance(rpc_error, ItpError):
        return rpc_error
    code = rpc_error.code() if hasattr(rpc_error, "code") else \
        grpc.StatusCode.UNKNOWN
    message = rpc_error.details() if hasattr(rpc_error, "details") else \
        str(rpc_error)
    fields = {"reason": "", "domain": "", "metadata": {},
              "field_violations": [], "retry_delay": None}
    trailers = rpc_error.trailing_metadata() if hasattr(
        rpc_error, "trailing_metadata") else None
    for key, value in trailers or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status()
        status.ParseFromString(value)
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            bad = error_details_pb2.BadRequest()
            retry = error_details_pb2.RetryInfo()
            if detail.Unpack(info):
                fields.update(reason=info.reason, domain=info.domain,
                              metadata=dict(info.metadata))
            elif detail.Unpack(bad):
                fields["field_violations"] = [
                    FieldViolation(v.field, v.description)
                    for v in bad.field_violations]
            elif detail.Unpack(retry):
                fields["retry_delay"] = (retry.retry_delay.seconds +
                                         retry.retry_delay.nanos / 1e9)
    return ItpError(code, message or "", **fields)


class _Stub:
    """A generated stub whose calls raise ItpError and default to the
    client's timeout."""

    def __init__(self, stub, timeout):
        self._stub = stub
        self._timeout = timeout

    def __getattr__(self, name):
        method = getattr(self._stub, name)

        def call(request, **kwargs):
            kwargs.setdefault("timeout", self._timeout)
            try:
                result = method(request, **kwargs)
            except grpc.RpcError as error:
                raise error_of(error) from None
            if hasattr(result, "__next__"):  # a server stream
                return _stream(result)
            return result
        return call


def _stream(responses):
    try:
        yield from responses
    except grpc.RpcError as error:
        raise error_of(error) from None


class _BearerKey(grpc.UnaryUnaryClientInterceptor,
                 grpc.UnaryStreamClientInterceptor):
    def __init__(self, api_key):
        self._metadata = (("authorization", "Bearer " + api_key),)

    def _with_key(self, details):
        return _Details(details,
                        tuple(details.metadata or ()) + self._metadata)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_key(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_key(details), request)


class _Details(grpc.ClientCallDetails):
    def __init__(self, details, metadata):
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = metadata
        self.credentials = details.credentials
        self.wait_for_ready = getattr(details, "wait_for_ready", None)
        self.compression = getattr(details, "compression", None)


class Client:
    """Stubs of every ITP service on one channel: plans, reviews, progress,
    benchmarks, jobs, admin."""

    def __init__(self, channel, timeout=DEFAULT_TIMEOUT_S):
        from itp.v1 import (admin_service_pb2_grpc,
                            benchmark_job_service_pb2_grpc,
                            benchmark_service_pb2_grpc,
                            plan_service_pb2_grpc,
                            progress_service_pb2_grpc,
                            review_service_pb2_grpc)
        self.channel = channel
        self.plans = _Stub(plan_service_pb2_grpc.PlanServiceStub(channel),
                           timeout)
        self.reviews = _Stub(
            review_service_pb2_grpc.ReviewServiceStub(channel), timeout)
        self.progress = _Stub(
            progress_service_pb2_grpc.ProgressServiceStub(channel), timeout)
        self.benchmarks = _Stub(
            benchmark_service_pb2_grpc.BenchmarkServiceStub(channel), timeout)
        self.jobs = _Stub(
            benchmark_job_service_pb2_grpc.BenchmarkJobServiceStub(channel),
            timeout)
        self.admin = _Stub(admin_service_pb2_grpc.AdminServiceStub(channel),
                           timeout)

    def close(self):
        self.channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def connect(address=None, api_key=None, api_key_file=None, tls_ca=None,
            timeout=DEFAULT_TIMEOUT_S):
    """A Client for the server at `address` (host:port; https://host:port
    for TLS), sending `api_key` (or the first line of `api_key_file`) on
    every call. Unset arguments come from ITP_ADDRESS, ITP_API_KEY,
    ITP_API_KEY_FILE and ITP_TLS_CA, as for the `itp` CLI."""
    address = address or os.environ.get("ITP_ADDRESS") or DEFAULT_ADDRESS
    tls_ca = tls_ca or os.environ.get("ITP_TLS_CA") or None
    if api_key is None:
        api_key = os.environ.get("ITP_API_KEY") or None
    if api_key is None:
        api_key_file = api_key_file or os.environ.get("ITP_API_KEY_FILE")
        if api_key_file:
            with open(os.path.expanduser(api_key_file),
                      encoding="ascii") as key_file:
                api_key = key_file.readline().strip()
    use_tls = address.startswith("https://") or tls_ca is not None
    target = address.split("://", 1)[-1]
    if use_tls:
        roots = None
        if tls_ca:
            with open(tls_ca, "rb") as ca_file:
                roots = ca_file.read()
        channel = grpc.secure_channel(
            target, grpc.ssl_channel_credentials(root_certificates=roots))
    else:
        channel = grpc.insecure_channel(target)
    if api_key:
        channel = grpc.intercept_channel(channel, _BearerKey(api_key))
    return Client(channel, timeout)
