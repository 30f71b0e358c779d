// An ITP partner program in C++, on the installed SDK (find_package(itp)):
// creates a draft plan, submits it with a request_id and retries the submit
// as a partner system would after a lost response, reads it back, lists the
// country's plans a page at a time, and shows how a rejected plan's
// google.rpc.BadRequest and ErrorInfo details are read.
//
// Connection settings come from the environment, as for the `itp` CLI:
// ITP_ADDRESS (host:port, https:// for TLS), ITP_API_KEY_FILE or ITP_API_KEY,
// ITP_TLS_CA. The plan id is the first argument (default green-steel-2050).
//
//   ITP_ADDRESS=127.0.0.1:50051 ITP_API_KEY_FILE=partner.key \
//     ./partner_example green-steel-2050
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "client/itp_client.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "itp/v1/plan_service.grpc.pb.h"

namespace {

constexpr char kCountry[] = "BRA";

// A Brazilian steel plan (figures of the order the domain brief gives:
// 31.9 Mt of crude steel at 1.7 t CO2/t in 2023).
constexpr char kPlanJson[] = R"({
  "display_name": "Brazil low-carbon steel plan",
  "summary": "Charcoal-based and hydrogen-ready ironmaking towards 2050",
  "submitting_body": "Ministry of Development, Industry, Trade and Services",
  "sectors": [{"sector": "IRON_AND_STEEL", "base_year": 2023, "points": [
    {"year": 2023, "production_mt": 31.9, "intensity_tco2_per_t": 1.7},
    {"year": 2030, "production_mt": 36.0, "intensity_tco2_per_t": 1.3},
    {"year": 2050, "production_mt": 45.0, "intensity_tco2_per_t": 0.2}]}],
  "targets": [{"type": "NET_ZERO", "target_year": 2050}]
})";

// A random version-4 UUID, the form ITP's request_id takes.
std::string NewRequestId() {
  std::random_device device;
  std::mt19937_64 random(device());
  std::uniform_int_distribution<int> nibble(0, 15);
  const char* hex = "0123456789abcdef";
  std::string id = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : id) {
    if (c == 'x') c = hex[nibble(random)];
    if (c == 'y') c = hex[8 + nibble(random) % 4];
  }
  return id;
}

// The error's google.rpc.ErrorInfo reason, "" when it has none.
std::string ErrorReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

int Fail(const char* step, const grpc::Status& status,
         const itp::client::Connection& connection) {
  std::cerr << step << ": "
            << itp::client::FormatRpcError(status,
                                           connection.options().address);
  return itp::client::ExitCodeFor(status.error_code());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string plan_id = argc > 1 ? argv[1] : "green-steel-2050";
  auto options = itp::client::ResolveConnectionOptions(
      {itp::client::SettingsFromEnvironment()});
  if (!options.ok()) {
    std::cerr << options.status().message() << "\n";
    return itp::client::kExitUsage;
  }
  auto connection = itp::client::Connection::Open(*options);
  if (!connection.ok()) {
    std::cerr << connection.status().message() << "\n";
    return itp::client::kExitUsage;
  }
  itp::client::Connection& itp = **connection;

  // 1. Create the draft.
  itp::v1::CreatePlanRequest create;
  create.set_parent(std::string("countries/") + kCountry);
  create.set_plan_id(plan_id);
  create.set_request_id(NewRequestId());
  if (!google::protobuf::util::JsonStringToMessage(kPlanJson,
                                                   create.mutable_plan())
           .ok()) {
    std::cerr << "the example's plan JSON does not parse\n";
    return 1;
  }
  itp::v1::Plan draft;
  grpc::Status status =
      itp.plans().CreatePlan(itp.NewCallContext().get(), create, &draft);
  if (!status.ok()) return Fail("CreatePlan", status, itp);
  std::cout << "created " << draft.name() << " ("
            << itp::v1::Plan::State_Name(draft.state()) << ", etag "
            << draft.etag() << ")\n";

  // 2. Submit it, then send the very same request again, as a partner does
  //    when the first response was lost: the server answers with the first
  //    result instead of failing on the new state.
  itp::v1::SubmitPlanRequest submit;
  submit.set_name(draft.name());
  submit.set_etag(draft.etag());
  submit.set_request_id(NewRequestId());
  itp::v1::Plan submitted, retried;
  status =
      itp.plans().SubmitPlan(itp.NewCallContext().get(), submit, &submitted);
  if (!status.ok()) return Fail("SubmitPlan", status, itp);
  status = itp.plans().SubmitPlan(itp.NewCallContext().get(), submit, &retried);
  if (!status.ok()) return Fail("SubmitPlan (retry)", status, itp);
  std::cout << "submitted revision " << submitted.revision() << "; retry with "
            << "request_id " << submit.request_id() << " returned revision "
            << retried.revision() << " and the same etag: "
            << (retried.etag() == submitted.etag() ? "yes" : "no") << "\n";

  // 3. Read it back.
  itp::v1::GetPlanRequest get;
  get.set_name(draft.name());
  itp::v1::Plan read;
  status = itp.plans().GetPlan(itp.NewCallContext().get(), get, &read);
  if (!status.ok()) return Fail("GetPlan", status, itp);
  std::cout << "read " << read.name() << ": \"" << read.display_name() << "\", "
            << itp::v1::Plan::State_Name(read.state()) << ", "
            << read.sectors(0).points_size() << " pathway points\n";

  // 4. List the country's plans, one a page, following next_page_token.
  itp::v1::ListPlansRequest list;
  list.set_parent(std::string("countries/") + kCountry);
  list.set_page_size(1);
  int pages = 0, plans = 0;
  do {
    itp::v1::ListPlansResponse page;
    status = itp.plans().ListPlans(itp.NewCallContext().get(), list, &page);
    if (!status.ok()) return Fail("ListPlans", status, itp);
    ++pages;
    plans += page.plans_size();
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  std::cout << "listed " << plans << " plans of " << kCountry << " in " << pages
            << " pages\n";

  // 5. A plan with mistakes: the server says which fields and why.
  itp::v1::CreatePlanRequest bad = create;
  bad.set_plan_id(plan_id + "-draft");
  bad.set_request_id(NewRequestId());
  bad.mutable_plan()->mutable_sectors(0)->set_base_year(1850);
  bad.mutable_plan()->mutable_sectors(0)->mutable_points(2)->set_year(2200);
  itp::v1::Plan unused;
  status = itp.plans().CreatePlan(itp.NewCallContext().get(), bad, &unused);
  if (status.ok()) {
    std::cerr << "CreatePlan accepted a plan with a base year of 1850\n";
    return 1;
  }
  std::cout << "rejected with code " << status.error_code()
            << (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT
                    ? " (INVALID_ARGUMENT)"
                    : "")
            << ", reason " << ErrorReason(status) << ": "
            << status.error_message() << "\n";
  for (const auto& violation : itp::client::FieldViolationsOf(status)) {
    std::cout << "  " << violation.field << ": " << violation.description
              << "\n";
  }
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT
             ? EXIT_SUCCESS
             : EXIT_FAILURE;
}
