// `itp plans ...`: list, read, create, edit and move national industry
// transition plans through their lifecycle, and compare submitted revisions.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/json_import.h"
#include "client/plan_views.h"
#include "google/protobuf/empty.pb.h"

namespace itp::client {
namespace {

using itp::v1::Plan;

// `countries/IND` from itself or from `IND`.
std::string CountryParent(const std::string& country) {
  if (absl::StartsWith(country, "countries/")) return country;
  return "countries/" + absl::AsciiStrToUpper(country);
}

// The plan in `file`: either a Plan, or a request holding one under "plan".
absl::StatusOr<Plan> ReadPlanFile(const std::string& file) {
  absl::StatusOr<std::string> json = ReadInputFile(file);
  if (!json.ok()) return json.status();
  return PlanFromJson(*json, file);
}

struct ListOptions {
  std::string country = "-";
  std::string filter;
  std::string order_by;
  int limit = 0;
};

int ListPlans(Session& session, const ListOptions& options) {
  itp::v1::ListPlansRequest request;
  request.set_parent(CountryParent(options.country));
  request.set_filter(options.filter);
  request.set_order_by(options.order_by);
  itp::v1::ListPlansResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListPlansResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().plans().ListPlans(context, request, page);
      },
      &itp::v1::ListPlansResponse::mutable_plans, &all);
  if (!status.ok()) return session.Fail(status);
  PrintPlanList(session.out(), session.format(), all);
  return kExitOk;
}

struct GetOptions {
  std::string name;
  int revision = 0;
};

int GetPlan(Session& session, const GetOptions& options) {
  auto context = session.connection().NewCallContext();
  Plan plan;
  grpc::Status status;
  if (options.revision > 0) {
    itp::v1::GetPlanRevisionRequest request;
    request.set_name(
        absl::StrCat(PlanName(options.name), "/revisions/", options.revision));
    itp::v1::PlanRevision revision;
    status = session.connection().plans().GetPlanRevision(context.get(),
                                                          request, &revision);
    plan = revision.plan();
  } else {
    itp::v1::GetPlanRequest request;
    request.set_name(PlanName(options.name));
    status =
        session.connection().plans().GetPlan(context.get(), request, &plan);
  }
  if (!status.ok()) return session.Fail(status);
  PrintPlan(session.out(), session.format(), plan);
  return kExitOk;
}

struct CreateOptions {
  std::string file;
  std::string parent;
  std::string id;
};

// The request in `options.file` (a CreatePlanRequest, or a bare Plan) with
// the command-line overrides applied. An override that changes the parent or
// id makes a new request, so the file's request_id is dropped.
absl::StatusOr<itp::v1::CreatePlanRequest> ReadCreateRequest(
    const CreateOptions& options) {
  absl::StatusOr<std::string> json = ReadInputFile(options.file);
  if (!json.ok()) return json.status();
  absl::StatusOr<itp::v1::CreatePlanRequest> read =
      CreatePlanRequestFromJson(*json, options.file);
  if (!read.ok()) return read.status();
  itp::v1::CreatePlanRequest request = *std::move(read);
  const std::string parent =
      options.parent.empty() ? request.parent() : CountryParent(options.parent);
  const std::string id = options.id.empty() ? request.plan_id() : options.id;
  if (parent != request.parent() || id != request.plan_id()) {
    request.clear_request_id();
  }
  request.set_parent(parent);
  request.set_plan_id(id);
  if (parent.empty() || id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.file, " names no ",
                     parent.empty() ? "parent" : "plan id", "; pass ",
                     parent.empty() ? "--parent, e.g. --parent IND"
                                    : "--id, e.g. --id steel-2070",
                     "."));
  }
  return request;
}

int CreatePlan(Session& session, const CreateOptions& options) {
  absl::StatusOr<itp::v1::CreatePlanRequest> request =
      ReadCreateRequest(options);
  if (!request.ok()) return session.UsageError(request.status().message());
  auto context = session.connection().NewCallContext();
  Plan plan;
  grpc::Status status =
      session.connection().plans().CreatePlan(context.get(), *request, &plan);
  if (!status.ok()) return session.Fail(status);
  PrintPlanChange(session.out(), session.format(), "Created", plan);
  return kExitOk;
}

// The plan's current etag, read from the server.
grpc::Status CurrentEtag(Session& session, const std::string& name,
                         std::string* etag) {
  auto context = session.connection().NewCallContext();
  itp::v1::GetPlanRequest request;
  request.set_name(name);
  Plan plan;
  grpc::Status status =
      session.connection().plans().GetPlan(context.get(), request, &plan);
  *etag = plan.etag();
  return status;
}

struct UpdateOptions {
  std::string name;
  std::string file;
  std::vector<std::string> mask;
  std::string etag;
};

int UpdatePlan(Session& session, const UpdateOptions& options) {
  absl::StatusOr<Plan> plan = ReadPlanFile(options.file);
  if (!plan.ok()) return session.UsageError(plan.status().message());
  itp::v1::UpdatePlanRequest request;
  *request.mutable_plan() = *std::move(plan);
  request.mutable_plan()->set_name(PlanName(options.name));
  std::string etag = options.etag;
  if (etag.empty()) {
    grpc::Status status = CurrentEtag(session, request.plan().name(), &etag);
    if (!status.ok()) return session.Fail(status);
  }
  request.mutable_plan()->set_etag(etag);
  // Without --mask the file replaces the whole content ("*"): the server
  // reads an empty mask as "the fields the file populates" (AIP-134).
  for (const std::string& path : options.mask) {
    request.mutable_update_mask()->add_paths(path);
  }
  if (options.mask.empty()) request.mutable_update_mask()->add_paths("*");
  auto context = session.connection().NewCallContext();
  Plan updated;
  grpc::Status status =
      session.connection().plans().UpdatePlan(context.get(), request, &updated);
  if (!status.ok()) return session.Fail(status);
  PrintPlanChange(session.out(), session.format(), "Updated", updated);
  return kExitOk;
}

struct TransitionOptions {
  std::string name;
  std::string etag;
  std::string reason;
};

int SubmitPlan(Session& session, const TransitionOptions& options) {
  itp::v1::SubmitPlanRequest request;
  request.set_name(PlanName(options.name));
  request.set_etag(options.etag);
  auto context = session.connection().NewCallContext();
  Plan plan;
  grpc::Status status =
      session.connection().plans().SubmitPlan(context.get(), request, &plan);
  if (!status.ok()) return session.Fail(status);
  PrintPlanChange(session.out(), session.format(), "Submitted", plan);
  return kExitOk;
}

int WithdrawPlan(Session& session, const TransitionOptions& options) {
  itp::v1::WithdrawPlanRequest request;
  request.set_name(PlanName(options.name));
  request.set_etag(options.etag);
  request.set_reason(options.reason);
  auto context = session.connection().NewCallContext();
  Plan plan;
  grpc::Status status =
      session.connection().plans().WithdrawPlan(context.get(), request, &plan);
  if (!status.ok()) return session.Fail(status);
  PrintPlanChange(session.out(), session.format(), "Withdrew", plan);
  return kExitOk;
}

int DeletePlan(Session& session, const TransitionOptions& options) {
  itp::v1::DeletePlanRequest request;
  request.set_name(PlanName(options.name));
  request.set_etag(options.etag);
  auto context = session.connection().NewCallContext();
  google::protobuf::Empty empty;
  grpc::Status status =
      session.connection().plans().DeletePlan(context.get(), request, &empty);
  if (!status.ok()) return session.Fail(status);
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(empty);
  } else if (session.format() == OutputFormat::kTable) {
    session.out() << "Deleted " << request.name() << ".\n";
  }
  return kExitOk;
}

struct RevisionsOptions {
  std::string name;
  int limit = 0;
};

int ListRevisions(Session& session, const RevisionsOptions& options) {
  itp::v1::ListPlanRevisionsRequest request;
  request.set_parent(PlanName(options.name));
  itp::v1::ListPlanRevisionsResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListPlanRevisionsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().plans().ListPlanRevisions(context, request,
                                                              page);
      },
      &itp::v1::ListPlanRevisionsResponse::mutable_revisions, &all);
  if (!status.ok()) return session.Fail(status);
  PrintRevisions(session.out(), session.format(), all);
  return kExitOk;
}

struct DiffOptions {
  std::string name;
  int from = 0;
  int to = 0;
};

int DiffRevisions(Session& session, const DiffOptions& options) {
  itp::v1::ComparePlanRevisionsRequest request;
  request.set_plan(PlanName(options.name));
  request.set_from_revision(options.from);
  request.set_to_revision(options.to);
  auto context = session.connection().NewCallContext();
  itp::v1::ComparePlanRevisionsResponse diff;
  grpc::Status status = session.connection().reviews().ComparePlanRevisions(
      context.get(), request, &diff);
  if (!status.ok()) return session.Fail(status);
  PrintPlanDiff(session.out(), session.format(), diff);
  return kExitOk;
}

constexpr char kNameHelp[] =
    "Plan name, countries/IND/plans/steel-2070 or short IND/steel-2070";

}  // namespace

void AddPlanCommands(Cli& cli) {
  CLI::App* plans = cli.AddGroup(
      cli.root(), "plans",
      "National industry transition plans: list, read, create, edit, submit");

  auto list = std::make_shared<ListOptions>();
  CLI::App* command = cli.AddCommand(
      plans, "list", "List plans, following every page",
      "  itp plans list\n"
      "  itp plans list --country IND -o csv > india-plans.csv\n"
      "  itp plans list --filter 'state = SUBMITTED AND sector = CEMENT' "
      "--order-by 'update_time desc'",
      [list](Session& s) { return ListPlans(s, *list); });
  command->add_option("--country", list->country,
                      "ISO 3166-1 alpha-3 code, or - for all countries "
                      "(default -)");
  command->add_option("--filter", list->filter,
                      "AIP-160 filter over state, sector, country, revision "
                      "and times");
  command->add_option("--order-by", list->order_by,
                      "name, create_time, update_time or submit_time, "
                      "optionally followed by ' desc'");
  command
      ->add_option("--limit", list->limit,
                   "Show at most this many plans (default all)")
      ->check(CLI::Range(0, 1000000));

  auto get = std::make_shared<GetOptions>();
  command = cli.AddCommand(
      plans, "get",
      "Show a plan: overview, sector trajectories, targets, projects, "
      "policies, finance, governance",
      "  itp plans get countries/IND/plans/steel-2070\n"
      "  itp plans get IND/steel-2070 --revision 1 -o json",
      [get](Session& s) { return GetPlan(s, *get); });
  command->add_option("NAME", get->name, kNameHelp)->required();
  command
      ->add_option("--revision", get->revision,
                   "Show this submitted revision instead of the current plan")
      ->check(CLI::PositiveNumber);

  auto create = std::make_shared<CreateOptions>();
  command = cli.AddCommand(
      plans, "create",
      "Create a plan (state DRAFT) from a CreatePlanRequest, or a Plan with "
      "--parent and --id, in JSON",
      "  itp plans create --file india-steel.json\n"
      "  itp plans create --file india-steel.json --parent IND --id "
      "steel-2070-v2",
      [create](Session& s) { return CreatePlan(s, *create); });
  command
      ->add_option("-f,--file", create->file,
                   "CreatePlanRequest or Plan in the proto3 JSON mapping "
                   "(- for standard input)")
      ->required();
  command->add_option("--parent", create->parent,
                      "Country, IND or countries/IND (overrides the file)");
  command->add_option("--id", create->id,
                      "Plan id, e.g. steel-2070 (overrides the file; a "
                      "changed parent or id drops the file's request_id)");

  auto update = std::make_shared<UpdateOptions>();
  command = cli.AddCommand(
      plans, "update",
      "Replace plan content (DRAFT or CHANGES_REQUESTED only); the current "
      "etag is read first unless --etag is given",
      "  itp plans update IND/steel-2070 --file india-steel.json\n"
      "  itp plans update IND/steel-2070 --file plan.json --mask "
      "sectors,targets",
      [update](Session& s) { return UpdatePlan(s, *update); });
  command->add_option("NAME", update->name, kNameHelp)->required();
  command
      ->add_option("-f,--file", update->file,
                   "A Plan in JSON, or a request with the plan under \"plan\" "
                   "(- for standard input)")
      ->required();
  command
      ->add_option("--mask", update->mask,
                   "Fields to replace, comma-separated (default all: the "
                   "file replaces the content): display_name, summary, "
                   "submitting_body, sectors, targets, projects, policies, "
                   "finance, governance, or one inside finance or governance "
                   "such as governance.lead_institution")
      ->delimiter(',');
  command->add_option("--etag", update->etag,
                      "Fail with a conflict unless the plan still has this "
                      "etag");

  auto submit = std::make_shared<TransitionOptions>();
  command = cli.AddCommand(
      plans, "submit",
      "Submit a plan for review; freezes its content as the next revision",
      "  itp plans submit countries/IND/plans/steel-2070",
      [submit](Session& s) { return SubmitPlan(s, *submit); });
  command->add_option("NAME", submit->name, kNameHelp)->required();
  command->add_option("--etag", submit->etag,
                      "Fail with a conflict unless the plan still has this "
                      "etag");

  auto withdraw = std::make_shared<TransitionOptions>();
  command = cli.AddCommand(
      plans, "withdraw", "Withdraw a submitted, in-review or approved plan",
      "  itp plans withdraw IND/steel-2070 --reason \"Superseded by the "
      "2025 National Steel Policy update\"",
      [withdraw](Session& s) { return WithdrawPlan(s, *withdraw); });
  command->add_option("NAME", withdraw->name, kNameHelp)->required();
  command->add_option("--reason", withdraw->reason, "Why (recorded)")
      ->required();
  command->add_option("--etag", withdraw->etag,
                      "Fail with a conflict unless the plan still has this "
                      "etag");

  auto remove = std::make_shared<TransitionOptions>();
  command =
      cli.AddCommand(plans, "delete", "Delete a plan (DRAFT only)",
                     "  itp plans delete IND/steel-2070",
                     [remove](Session& s) { return DeletePlan(s, *remove); });
  command->add_option("NAME", remove->name, kNameHelp)->required();
  command->add_option("--etag", remove->etag,
                      "Fail with a conflict unless the plan still has this "
                      "etag");

  auto revisions = std::make_shared<RevisionsOptions>();
  command = cli.AddCommand(
      plans, "revisions",
      "List the submitted revisions of a plan, newest first",
      "  itp plans revisions IND/steel-2070\n"
      "  itp plans revisions countries/IND/plans/steel-2070 -o json",
      [revisions](Session& s) { return ListRevisions(s, *revisions); });
  command->add_option("NAME", revisions->name, kNameHelp)->required();
  command
      ->add_option("--limit", revisions->limit,
                   "Show at most this many revisions (default all)")
      ->check(CLI::Range(0, 1000000));

  auto diff = std::make_shared<DiffOptions>();
  command = cli.AddCommand(
      plans, "diff",
      "Show the content fields that changed between two submitted revisions "
      "(by default the latest and the one before)",
      "  itp plans diff IND/steel-2070\n"
      "  itp plans diff IND/steel-2070 --from 1 --to 3\n"
      "  itp plans diff IND/steel-2070 --from 1 --to 2 -o csv",
      [diff](Session& s) { return DiffRevisions(s, *diff); });
  command->add_option("NAME", diff->name, kNameHelp)->required();
  command
      ->add_option("--from", diff->from,
                   "Older revision number (default the one before --to)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--to", diff->to,
                   "Newer revision number (default the latest)")
      ->check(CLI::PositiveNumber);
}

}  // namespace itp::client
