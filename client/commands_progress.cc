// `itp progress ...`: yearly progress reports against a plan (actuals per
// sector, project and policy updates, a narrative), filed as drafts by the
// plan's country and published, and the assessment of where the plan stands
// by its latest published report.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/commands.h"
#include "client/json_import.h"
#include "client/progress_views.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace itp::client {
namespace {

using itp::v1::ProgressReport;

constexpr char kAllPlans[] = "countries/-/plans/-";
constexpr char kReportsSegment[] = "/progressReports/";

constexpr char kPlanHelp[] =
    "Plan name, countries/IND/plans/steel-2070 or short IND/steel-2070";
constexpr char kReportHelp[] =
    "Report name, countries/IND/plans/steel-2070/progressReports/2024 or "
    "short IND/steel-2070/progressReports/2024 or IND/steel-2070/2024";

// `countries/IND/plans/steel-2070/progressReports/2024` from itself, from
// `IND/steel-2070/progressReports/2024` or from `IND/steel-2070/2024` (a
// reporting year right after the plan). Other text is returned as PlanName
// returns it, for the server to judge.
std::string ReportName(absl::string_view name) {
  const std::string full = PlanName(name);
  std::vector<absl::string_view> parts = absl::StrSplit(full, '/');
  if (parts.size() == 5 && parts[0] == "countries" && parts[2] == "plans" &&
      !parts[4].empty() &&
      std::all_of(parts[4].begin(), parts[4].end(),
                  [](char c) { return absl::ascii_isdigit(c); })) {
    return absl::StrCat("countries/", parts[1], "/plans/", parts[3],
                        kReportsSegment, parts[4]);
  }
  return full;
}

// The report in `file`: a ProgressReport in the proto3 JSON mapping, or an
// object holding one under "progress_report" (such as a request).
absl::StatusOr<ProgressReport> ReadReportFile(const std::string& file) {
  absl::StatusOr<std::string> json = ReadInputFile(file);
  if (!json.ok()) return json.status();
  google::protobuf::Struct top;
  absl::Status parsed = ParseJson(*json, file, &top);
  if (!parsed.ok()) return parsed;
  std::string report_json = *std::move(json);
  if (auto it = top.fields().find("progress_report");
      it != top.fields().end()) {
    report_json.clear();
    (void)google::protobuf::util::MessageToJsonString(it->second, &report_json);
  }
  ProgressReport report;
  parsed = ParseJson(report_json, file, &report);
  if (!parsed.ok()) return parsed;
  return report;
}

struct CreateOptions {
  std::string plan;
  int year = 0;
  std::string file;
  bool supersede = false;
  std::string request_id;
};

int CreateReport(Session& session, const CreateOptions& options) {
  absl::StatusOr<ProgressReport> report = ReadReportFile(options.file);
  if (!report.ok()) return session.UsageError(report.status().message());
  itp::v1::CreateProgressReportRequest request;
  request.set_parent(PlanName(options.plan));
  request.set_reporting_year(options.year);
  *request.mutable_progress_report() = *std::move(report);
  request.set_supersede(options.supersede);
  request.set_request_id(options.request_id);
  auto context = session.connection().NewCallContext();
  ProgressReport created;
  grpc::Status status = session.connection().progress().CreateProgressReport(
      context.get(), request, &created);
  if (!status.ok()) return session.Fail(status);
  PrintProgressReportChange(session.out(), session.format(),
                            ProgressChange::kCreated, created);
  return kExitOk;
}

struct UpdateOptions {
  std::string name;
  std::string file;
  std::vector<std::string> mask;
  std::string etag;
};

int UpdateReport(Session& session, const UpdateOptions& options) {
  absl::StatusOr<ProgressReport> report = ReadReportFile(options.file);
  if (!report.ok()) return session.UsageError(report.status().message());
  itp::v1::UpdateProgressReportRequest request;
  *request.mutable_progress_report() = *std::move(report);
  request.mutable_progress_report()->set_name(ReportName(options.name));
  // The file's etag (a report saved with `get -o json`) unless overridden.
  if (!options.etag.empty()) {
    request.mutable_progress_report()->set_etag(options.etag);
  }
  // Without --mask the file replaces the whole content ("*"), as the help
  // says; an empty mask would keep the fields the file leaves out.
  for (const std::string& path : options.mask) {
    request.mutable_update_mask()->add_paths(path);
  }
  if (options.mask.empty()) request.mutable_update_mask()->add_paths("*");
  auto context = session.connection().NewCallContext();
  ProgressReport updated;
  grpc::Status status = session.connection().progress().UpdateProgressReport(
      context.get(), request, &updated);
  if (!status.ok()) return session.Fail(status);
  PrintProgressReportChange(session.out(), session.format(),
                            ProgressChange::kUpdated, updated);
  return kExitOk;
}

struct PublishOptions {
  std::string name;
  std::string etag;
  std::string request_id;
};

int PublishReport(Session& session, const PublishOptions& options) {
  itp::v1::PublishProgressReportRequest request;
  request.set_name(ReportName(options.name));
  request.set_etag(options.etag);
  request.set_request_id(options.request_id);
  auto context = session.connection().NewCallContext();
  ProgressReport published;
  grpc::Status status = session.connection().progress().PublishProgressReport(
      context.get(), request, &published);
  if (!status.ok()) return session.Fail(status);
  PrintProgressReportChange(session.out(), session.format(),
                            ProgressChange::kPublished, published);
  return kExitOk;
}

struct GetOptions {
  std::string name;
  int version = 0;
};

int GetReport(Session& session, const GetOptions& options) {
  itp::v1::GetProgressReportRequest request;
  request.set_name(ReportName(options.name));
  request.set_version(options.version);
  auto context = session.connection().NewCallContext();
  ProgressReport report;
  grpc::Status status = session.connection().progress().GetProgressReport(
      context.get(), request, &report);
  if (!status.ok()) return session.Fail(status);
  PrintProgressReport(session.out(), session.format(), report);
  return kExitOk;
}

struct ListOptions {
  std::string plan;
  bool all = false;
  std::string filter;
  bool show_superseded = false;
  int page_size = 0;
  int limit = 0;
};

int ListReports(Session& session, const ListOptions& options) {
  itp::v1::ListProgressReportsRequest request;
  request.set_parent(options.plan.empty() ? kAllPlans : PlanName(options.plan));
  request.set_filter(options.filter);
  request.set_show_superseded(options.show_superseded);
  itp::v1::ListProgressReportsResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListProgressReportsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(options.page_size > 0
                                  ? std::min(page_size, options.page_size)
                                  : page_size);
        return session.connection().progress().ListProgressReports(
            context, request, page);
      },
      &itp::v1::ListProgressReportsResponse::mutable_progress_reports, &all);
  if (!status.ok()) return session.Fail(status);
  PrintProgressReports(session.out(), session.format(), all);
  return kExitOk;
}

struct StatusOptions {
  std::string plan;
};

int ShowStatus(Session& session, const StatusOptions& options) {
  itp::v1::GetPlanProgressRequest request;
  request.set_name(PlanName(options.plan));
  auto context = session.connection().NewCallContext();
  itp::v1::PlanProgress progress;
  grpc::Status status = session.connection().progress().GetPlanProgress(
      context.get(), request, &progress);
  if (!status.ok()) return session.Fail(status);
  PrintPlanProgress(session.out(), session.format(), progress);
  return kExitOk;
}

}  // namespace

void AddProgressCommands(Cli& cli) {
  CLI::App* progress = cli.AddGroup(
      cli.root(), "progress",
      "Yearly progress reports against a plan, and where the plan stands");

  auto create = std::make_shared<CreateOptions>();
  CLI::App* command = cli.AddCommand(
      progress, "create",
      "File a DRAFT progress report for a completed reporting year against "
      "the plan's latest submitted revision",
      "  itp progress create IND/steel-2070 --year 2024 --file report.json\n"
      "    (report.json: {\"sectors\": [{\"sector\": \"IRON_AND_STEEL\", "
      "\"points\": [{\"year\": 2024, \"production_mt\": 149.6, "
      "\"intensity_tco2_per_t\": 2.47}]}], \"project_updates\": [...], "
      "\"narrative\": \"...\"})\n"
      "  itp progress create IND/steel-2070 --year 2024 --file "
      "corrected.json --supersede",
      [create](Session& s) { return CreateReport(s, *create); });
  command->add_option("PLAN", create->plan, kPlanHelp)->required();
  command
      ->add_option("--year", create->year,
                   "The completed calendar year reported on (required)")
      ->required();
  command
      ->add_option("-f,--file", create->file,
                   "A ProgressReport in the proto3 JSON mapping, or an "
                   "object holding one under \"progress_report\" (- for "
                   "standard input)")
      ->required();
  command->add_flag("--supersede", create->supersede,
                    "File a correction of the year's published report: a new "
                    "version that supersedes it once published");
  command->add_option("--request-id", create->request_id,
                      "UUID making the call safe to retry: a retry with the "
                      "same id returns the first result");

  auto update = std::make_shared<UpdateOptions>();
  command = cli.AddCommand(
      progress, "update",
      "Replace content of a DRAFT report (published reports are immutable; "
      "correct them with `create --supersede`)",
      "  itp progress update IND/steel-2070/2024 --file report.json\n"
      "  itp progress update IND/steel-2070/progressReports/2024 --file "
      "report.json --mask narrative,sectors --etag 5f1c0a7d",
      [update](Session& s) { return UpdateReport(s, *update); });
  command->add_option("REPORT", update->name, kReportHelp)->required();
  command
      ->add_option("-f,--file", update->file,
                   "A ProgressReport in JSON, or an object holding one under "
                   "\"progress_report\" (- for standard input)")
      ->required();
  command
      ->add_option("--mask", update->mask,
                   "Fields to replace, comma-separated (default all: the "
                   "file replaces the content): "
                   "sectors, project_updates, policy_updates, narrative, "
                   "sources")
      ->delimiter(',');
  command->add_option("--etag", update->etag,
                      "Fail with a conflict unless the draft still has this "
                      "etag (default: the file's etag, if it has one)");

  auto publish = std::make_shared<PublishOptions>();
  command = cli.AddCommand(
      progress, "publish",
      "Publish a DRAFT report: it becomes immutable and readable by whoever "
      "may read the plan; a correction supersedes the version it corrects",
      "  itp progress publish IND/steel-2070/2024\n"
      "  itp progress publish countries/IND/plans/steel-2070/progressReports/"
      "2024 --etag 5f1c0a7d",
      [publish](Session& s) { return PublishReport(s, *publish); });
  command->add_option("REPORT", publish->name, kReportHelp)->required();
  command->add_option("--etag", publish->etag,
                      "Fail with a conflict unless the draft still has this "
                      "etag");
  command->add_option("--request-id", publish->request_id,
                      "UUID making the call safe to retry");

  auto get = std::make_shared<GetOptions>();
  command = cli.AddCommand(
      progress, "get",
      "Show a progress report: state, version, actuals, project and policy "
      "updates, narrative",
      "  itp progress get IND/steel-2070/2024\n"
      "  itp progress get IND/steel-2070/progressReports/2024 --version 1 -o "
      "json",
      [get](Session& s) { return GetReport(s, *get); });
  command->add_option("REPORT", get->name, kReportHelp)->required();
  command
      ->add_option("--version", get->version,
                   "Show this version (default the newest you may read; "
                   "superseded versions stay readable)")
      ->check(CLI::PositiveNumber);

  auto list = std::make_shared<ListOptions>();
  command = cli.AddCommand(
      progress, "list",
      "List progress reports, newest reporting year first: of one plan, or "
      "of every plan you may read; follows every page",
      "  itp progress list IND/steel-2070\n"
      "  itp progress list --all --filter 'sector = IRON_AND_STEEL AND "
      "reporting_year >= 2023'\n"
      "  itp progress list IND/steel-2070 --show-superseded -o csv",
      [list](Session& s) { return ListReports(s, *list); });
  CLI::Option* plan = command->add_option(
      "PLAN", list->plan,
      "Plan name, e.g. IND/steel-2070 (default: every plan)");
  command->add_flag("--all", list->all, "Reports of every plan (the default)")
      ->excludes(plan);
  command->add_option("--filter", list->filter,
                      "AIP-160 filter over country, sector, reporting_year "
                      "and state (DRAFT, PUBLISHED, SUPERSEDED)");
  command->add_flag("--show-superseded", list->show_superseded,
                    "Include superseded versions (listed after the version "
                    "that replaced them)");
  command
      ->add_option("--page-size", list->page_size,
                   "Reports per call (default and maximum 1000); every page "
                   "is followed")
      ->check(CLI::Range(1, kMaxPageSize));
  command
      ->add_option("--limit", list->limit,
                   "Show at most this many reports (default all)")
      ->check(CLI::Range(0, 1000000));

  auto status = std::make_shared<StatusOptions>();
  command = cli.AddCommand(
      progress, "status",
      "Where a plan stands by its latest published report: deviation from "
      "the plan, observed and required rates, projections, TPI labels of "
      "the actuals, projects, reporting record",
      "  itp progress status IND/steel-2070\n"
      "  itp progress status countries/IND/plans/steel-2070 -o csv",
      [status](Session& s) { return ShowStatus(s, *status); });
  command->add_option("PLAN", status->plan, kPlanHelp)->required();
}

}  // namespace itp::client
