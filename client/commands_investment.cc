// `itp projects list|summary`: the investment tracker (InvestmentService),
// the low-carbon projects of every submitted plan the key may read, with the
// status the latest published progress report gives them. `itp export`: the
// open data package of the APPROVED plans (OpenDataService), written into a
// directory file by file, each checked against its size and SHA-256 and put
// in place only once the whole package has arrived.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/commands.h"
#include "client/investment_views.h"
#include "itp/v1/investment_service.grpc.pb.h"
#include "itp/v1/open_data_service.grpc.pb.h"

namespace itp::client {
namespace {

namespace fs = std::filesystem;

constexpr char kAllPlans[] = "countries/-/plans/-";

constexpr char kFilterHelp[] =
    "AIP-160 filter over technology, status, scale, sector, country, "
    "plan_state (= or !=, enum values in upper case), start_year (any "
    "comparison), conditional (true or false) and company (exact name), "
    "e.g. 'technology = HYDROGEN_DRI AND start_year <= 2030'";

// Which plans' projects a command reads.
struct Scope {
  std::string parent;
  std::string country;
  std::string plan;
};

// The ListProjects / SummarizeInvestments parent of `scope`: the plan, the
// country's plans, the parent as given (short forms expanded), or every
// plan.
std::string ScopeParent(const Scope& scope) {
  if (!scope.plan.empty()) return PlanName(scope.plan);
  if (!scope.country.empty()) {
    std::string country(absl::StripPrefix(scope.country, "countries/"));
    return absl::StrCat("countries/", absl::AsciiStrToUpper(country),
                        "/plans/-");
  }
  if (!scope.parent.empty()) return PlanName(scope.parent);
  return kAllPlans;
}

void AddScopeOptions(CLI::App* command, Scope& scope) {
  CLI::Option* parent = command->add_option(
      "--parent", scope.parent,
      "countries/-/plans/-, countries/{c}/plans/- or countries/{c}/plans/{p} "
      "(default countries/-/plans/-: every plan you may read)");
  CLI::Option* country = command->add_option(
      "--country", scope.country,
      "The plans of one country, e.g. IND (countries/IND/plans/-)");
  CLI::Option* plan = command->add_option(
      "--plan", scope.plan,
      "One plan, countries/IND/plans/steel-2070 or short IND/steel-2070");
  parent->excludes(country)->excludes(plan);
  country->excludes(plan);
}

std::unique_ptr<itp::v1::InvestmentService::Stub> InvestmentStub(
    Session& session) {
  return itp::v1::InvestmentService::NewStub(session.connection().channel());
}

struct ListOptions {
  Scope scope;
  std::string filter;
  std::string order_by;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

int ListProjects(Session& session, const ListOptions& options) {
  auto stub = InvestmentStub(session);
  itp::v1::ListProjectsRequest request;
  request.set_parent(ScopeParent(options.scope));
  request.set_filter(options.filter);
  request.set_order_by(options.order_by);
  itp::v1::ListProjectsResponse response;
  grpc::Status status;
  if (options.all) {
    status = ListAll(
        session, 0,
        [&](grpc::ClientContext* context, const std::string& page_token,
            int page_size, itp::v1::ListProjectsResponse* page) {
          request.set_page_token(page_token);
          request.set_page_size(options.page_size > 0
                                    ? std::min(page_size, options.page_size)
                                    : page_size);
          return stub->ListProjects(context, request, page);
        },
        &itp::v1::ListProjectsResponse::mutable_projects, &response);
  } else {
    request.set_page_size(options.page_size);
    request.set_page_token(options.page_token);
    auto context = session.connection().NewCallContext();
    status = stub->ListProjects(context.get(), request, &response);
  }
  if (!status.ok()) return session.Fail(status);
  PrintProjectList(session.out(), session.format(), response);
  if (!response.next_page_token().empty()) {
    // On standard error, so that JSON and CSV on standard output stay
    // whole; the JSON has next_page_token too.
    session.err() << "Showing " << response.projects_size() << " of "
                  << response.total_size()
                  << " projects. Next page: the same command with "
                     "--page-token "
                  << response.next_page_token()
                  << ", or --all for every page.\n";
  }
  return kExitOk;
}

struct SummaryOptions {
  Scope scope;
  std::string filter;
  std::vector<std::string> by;
};

int SummarizeInvestments(Session& session, const SummaryOptions& options) {
  auto stub = InvestmentStub(session);
  itp::v1::SummarizeInvestmentsRequest request;
  request.set_parent(ScopeParent(options.scope));
  request.set_filter(options.filter);
  for (const std::string& key : options.by) request.add_group_by(key);
  itp::v1::SummarizeInvestmentsResponse all;
  grpc::Status status = ListAll(
      session, 0,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::SummarizeInvestmentsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return stub->SummarizeInvestments(context, request, page);
      },
      &itp::v1::SummarizeInvestmentsResponse::mutable_groups, &all);
  if (!status.ok()) return session.Fail(status);
  PrintInvestmentSummary(session.out(), session.format(), options.by, all);
  return kExitOk;
}

// --- itp export -----------------------------------------------------------

// `text` in double quotes with anything unprintable escaped, for messages.
std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", absl::CEscape(text), "\"");
}

std::string ErrnoText() { return std::strerror(errno); }

// Why `path` (a DataPackageChunk.path) may not be written under the output
// directory, or empty when it may: it must be relative, made of non-empty
// components other than "." and "..", without NUL or control characters.
std::string UnsafePathReason(absl::string_view path) {
  if (path.empty()) return "it is empty";
  if (path.find('\0') != absl::string_view::npos) return "it holds a NUL byte";
  if (path.front() == '/') return "it is absolute";
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty()) return "it has an empty component";
    if (part == "." || part == "..") {
      return absl::StrCat("it has a \"", part, "\" component");
    }
    for (char c : part) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) return "it holds a control character";
    }
  }
  return "";
}

// SHA-256 over the bytes given to Update, as lower-case hex.
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {
    ok_ = context_ != nullptr &&
          EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1;
  }
  void Update(absl::string_view data) {
    ok_ =
        ok_ && EVP_DigestUpdate(context_.get(), data.data(), data.size()) == 1;
  }
  // Empty if OpenSSL failed.
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!ok_ || EVP_DigestFinal_ex(context_.get(), digest, &length) != 1) {
      return "";
    }
    return absl::BytesToHexString(absl::string_view(
        reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> context_;
  bool ok_ = false;
};

// Writes the files of one data package under `dir`: each into a hidden
// temporary file beside its final name, checked against the size and digest
// of its last chunk; Commit() renames them all into place. Until then (and
// when Commit is never reached) the destructor removes the temporary files
// and the directories this writer created, so that a failed export leaves
// the directory as it was. Every method returning a string returns an error
// message, empty on success.
class PackageWriter {
 public:
  explicit PackageWriter(std::string dir) : dir_(std::move(dir)) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    file_mode_ = 0666 & ~mask;
  }
  PackageWriter(const PackageWriter&) = delete;
  PackageWriter& operator=(const PackageWriter&) = delete;
  ~PackageWriter() {
    if (!committed_) Abandon();
  }

  // Makes the output directory and its data/ directory. A directory that
  // exists must be empty unless `force`.
  std::string Prepare(bool force) {
    std::error_code error;
    const fs::file_status status = fs::status(dir_, error);
    if (fs::exists(status)) {
      if (!fs::is_directory(status)) {
        return absl::StrCat(dir_, " exists and is not a directory.");
      }
      const bool empty = fs::is_empty(dir_, error);
      if (error)
        return absl::StrCat("Cannot read ", dir_, ": ", error.message(), ".");
      if (!empty && !force) {
        return absl::StrCat(
            dir_,
            " is not empty; pass --force to write the package into it (the "
            "package's files are replaced, other files are left alone).");
      }
    } else {
      // Remember each directory made, outermost first, to remove on failure.
      std::vector<fs::path> missing;
      for (fs::path p = fs::absolute(dir_, error).lexically_normal();
           !p.empty() && !fs::exists(p, error); p = p.parent_path()) {
        missing.insert(missing.begin(), p);
        if (p == p.parent_path()) break;
      }
      fs::create_directories(dir_, error);
      if (error) {
        return absl::StrCat("Cannot create ", dir_, ": ", error.message(), ".");
      }
      for (const fs::path& p : missing) created_dirs_.push_back(p.string());
    }
    return MakeDirectory(JoinDir("data"));
  }

  bool in_file() const { return fd_ >= 0; }
  const std::string& current_path() const { return path_; }
  const std::vector<ExportedFile>& files() const { return files_; }

  // Starts the file at `path` (relative to the directory).
  std::string Begin(const std::string& path) {
    const std::string unsafe = UnsafePathReason(path);
    if (!unsafe.empty()) {
      return absl::StrCat("The server sent the file path ", Quoted(path),
                          ", which is not safe to write: ", unsafe, ".");
    }
    if (!paths_.insert(path).second) {
      return absl::StrCat("The server sent ", Quoted(path), " twice.");
    }
    // Every directory on the way must be a real directory (no symbolic link
    // leading out of the output directory).
    std::vector<std::string> parts = absl::StrSplit(path, '/');
    std::string relative;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      relative =
          relative.empty() ? parts[i] : absl::StrCat(relative, "/", parts[i]);
      std::string made = MakeDirectory(JoinDir(relative));
      if (!made.empty()) return made;
    }
    const std::string final_path = JoinDir(path);
    // Hidden, beside the final name (so that rename() stays on one file
    // system), and never an existing file (mkstemp opens with O_EXCL).
    const std::string temp =
        absl::StrCat(absl::StripSuffix(JoinDir(relative), "/"), "/.",
                     parts.back(), ".itp-export-XXXXXX");
    std::vector<char> name(temp.begin(), temp.end());
    name.push_back('\0');
    fd_ = ::mkstemp(name.data());
    if (fd_ < 0) {
      return absl::StrCat("Cannot create a file in ", JoinDir(relative), ": ",
                          ErrnoText(), ".");
    }
    temps_.push_back(name.data());
    path_ = path;
    final_path_ = final_path;
    size_ = 0;
    sha256_ = std::make_unique<Sha256>();
    return "";
  }

  std::string Write(absl::string_view data) {
    sha256_->Update(data);
    size_ += static_cast<int64_t>(data.size());
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return absl::StrCat("Cannot write ", final_path_, ": ", ErrnoText(),
                            ".");
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return "";
  }

  // Ends the current file, checking `size` and `sha256` (hex) from its
  // last chunk.
  std::string End(int64_t size, const std::string& sha256) {
    const std::string digest = sha256_->HexDigest();
    if (digest.empty()) return "OpenSSL failed to compute a SHA-256.";
    if (size_ != size) {
      return absl::StrCat(path_, " arrived with ", size_,
                          " bytes, but the server says it has ", size, ".");
    }
    if (digest != absl::AsciiStrToLower(sha256)) {
      return absl::StrCat(path_, " arrived with SHA-256 ", digest,
                          ", but the server says ", Quoted(sha256), ".");
    }
    if (::fchmod(fd_, file_mode_) != 0 || ::fsync(fd_) != 0) {
      return absl::StrCat("Cannot write ", final_path_, ": ", ErrnoText(), ".");
    }
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      return absl::StrCat("Cannot write ", final_path_, ": ", ErrnoText(), ".");
    }
    files_.push_back({path_, size_, digest});
    finals_.push_back(final_path_);
    return "";
  }

  // Renames every finished file into place, in the order they came.
  std::string Commit() {
    for (size_t i = 0; i < finals_.size(); ++i) {
      if (::rename(temps_[i].c_str(), finals_[i].c_str()) != 0) {
        const std::string error = ErrnoText();
        // Those already renamed stay; the rest are removed.
        temps_.erase(temps_.begin(), temps_.begin() + static_cast<long>(i));
        created_dirs_.clear();
        return absl::StrCat("Cannot move ", finals_[i], " into place: ", error,
                            "; the package in ", dir_, " is incomplete.");
      }
    }
    temps_.clear();
    committed_ = true;
    return "";
  }

 private:
  std::string JoinDir(const std::string& relative) const {
    if (relative.empty()) return dir_;
    return absl::StrCat(absl::StripSuffix(dir_, "/"), "/", relative);
  }

  // Makes `path` unless it is a directory already; refuses anything else
  // there, a symbolic link included.
  std::string MakeDirectory(const std::string& path) {
    struct stat info;
    if (::lstat(path.c_str(), &info) == 0) {
      if (S_ISDIR(info.st_mode)) return "";
      return absl::StrCat(path, " exists and is not a directory",
                          S_ISLNK(info.st_mode) ? " (a symbolic link)" : "",
                          "; the package is not written through it.");
    }
    if (errno != ENOENT || ::mkdir(path.c_str(), 0777) != 0) {
      return absl::StrCat("Cannot create ", path, ": ", ErrnoText(), ".");
    }
    created_dirs_.push_back(path);
    return "";
  }

  void Abandon() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    for (const std::string& temp : temps_) ::unlink(temp.c_str());
    temps_.clear();
    // Innermost first; a directory that is not empty stays.
    for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) {
      ::rmdir(it->c_str());
    }
    created_dirs_.clear();
  }

  std::string dir_;
  mode_t file_mode_ = 0644;
  std::vector<std::string> created_dirs_;
  std::set<std::string> paths_;
  // The file being written.
  int fd_ = -1;
  std::string path_;
  std::string final_path_;
  int64_t size_ = 0;
  std::unique_ptr<Sha256> sha256_;
  // Temporary files (every one begun) and the final names of those ended.
  std::vector<std::string> temps_;
  std::vector<std::string> finals_;
  std::vector<ExportedFile> files_;
  bool committed_ = false;
};

struct ExportOptions {
  std::string out;
  bool force = false;
};

// A local problem during the export: the stream is cancelled and nothing
// is left behind (the writer's destructor).
int ExportError(Session& session, absl::string_view message) {
  session.err() << "Error: " << message << "\n";
  return kExitOther;
}

int ExportDataPackage(Session& session, const ExportOptions& options) {
  PackageWriter writer(options.out);
  std::string problem = writer.Prepare(options.force);
  if (!problem.empty()) return session.UsageError(problem);

  auto stub = itp::v1::OpenDataService::NewStub(session.connection().channel());
  auto context = session.connection().NewCallContext();
  itp::v1::ExportDataPackageRequest request;
  auto reader = stub->ExportDataPackage(context.get(), request);
  itp::v1::DataPackageChunk chunk;
  while (problem.empty() && reader->Read(&chunk)) {
    if (!writer.in_file()) {
      problem = writer.Begin(chunk.path());
    } else if (!chunk.path().empty() && chunk.path() != writer.current_path()) {
      problem = absl::StrCat("The server sent ", Quoted(chunk.path()),
                             " before the last chunk of ",
                             writer.current_path(), ".");
    }
    if (problem.empty()) problem = writer.Write(chunk.data());
    if (problem.empty() && chunk.last()) {
      problem = writer.End(chunk.size(), chunk.sha256());
    }
  }
  if (!problem.empty()) {
    context->TryCancel();
    while (reader->Read(&chunk)) {
    }
    (void)reader->Finish();
    return ExportError(session, problem);
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return session.Fail(status);
  if (writer.in_file()) {
    return ExportError(session,
                       absl::StrCat("The export ended in the middle of ",
                                    writer.current_path(), "."));
  }
  if (writer.files().empty()) {
    return ExportError(session, "The server sent no files.");
  }
  problem = writer.Commit();
  if (!problem.empty()) return ExportError(session, problem);
  PrintExportedFiles(session.out(), session.format(), options.out,
                     writer.files());
  return kExitOk;
}

}  // namespace

void AddInvestmentCommands(Cli& cli) {
  CLI::App* projects = cli.AddGroup(
      cli.root(), "projects",
      "The investment tracker: low-carbon projects of the submitted plans, "
      "and their capacity and capital by group");

  auto list = std::make_shared<ListOptions>();
  CLI::App* command = cli.AddCommand(
      projects, "list",
      "List tracked projects (of each plan's latest submitted revision, with "
      "the status of its latest published progress report), one page at a "
      "time unless --all; the next page's --page-token is printed on "
      "standard error",
      "  itp projects list\n"
      "  itp projects list --country IND --order-by 'start_year desc'\n"
      "  itp projects list --plan IND/steel-2070 -o json\n"
      "  itp projects list --all --filter 'technology = HYDROGEN_DRI AND "
      "status != CANCELLED' -o csv > h2-dri.csv\n"
      "  itp projects list --page-size 20 --page-token <token from the last "
      "page>",
      [list](Session& s) { return ListProjects(s, *list); });
  AddScopeOptions(command, list->scope);
  command->add_option("--filter", list->filter, kFilterHelp);
  command->add_option("--order-by", list->order_by,
                      "name (the default) or start_year, optionally followed "
                      "by ' desc'");
  command
      ->add_option("--page-size", list->page_size,
                   "Projects per page (1-1000; default 50, or 1000 per call "
                   "with --all)")
      ->check(CLI::Range(1, kMaxPageSize));
  CLI::Option* token = command->add_option(
      "--page-token", list->page_token,
      "Show the page after the one that printed this token (the other flags "
      "must stay the same)");
  command
      ->add_flag("--all", list->all,
                 "Follow every page and show all matching projects")
      ->excludes(token);

  auto summary = std::make_shared<SummaryOptions>();
  command = cli.AddCommand(
      projects, "summary",
      "Project counts, capacity (Mt/yr) and capital cost (USD) per group and "
      "in total, over the projects `projects list` shows with the same "
      "flags; follows every page. Table: a TOTAL row last; sums marked * "
      "leave out projects that state no figure. CSV: one record per group, "
      "then a total record with TOTAL in every group column (filter it out "
      "before a pivot table), with the counts of projects stating each "
      "figure",
      "  itp projects summary\n"
      "  itp projects summary --by technology,status\n"
      "  itp projects summary --country IND --by start_year -o csv\n"
      "  itp projects summary --filter 'sector = CEMENT' --by country,scale "
      "-o json",
      [summary](Session& s) { return SummarizeInvestments(s, *summary); });
  AddScopeOptions(command, summary->scope);
  command->add_option("--filter", summary->filter, kFilterHelp);
  command
      ->add_option("--by", summary->by,
                   "Fields to group by, comma-separated, in column order: "
                   "technology, status, country, sector, start_year, scale "
                   "(default none: the total only)")
      ->delimiter(',')
      ->check(CLI::IsMember(InvestmentGroupKeys(), CLI::ignore_case,
                            CLI::ignore_space));
}

void AddExportCommands(Cli& cli) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = cli.AddCommand(
      cli.root(), "export",
      "Download the open data package (the APPROVED plans as a Frictionless "
      "Data Package of CSV tables, CC-BY-4.0; REVIEWER or ADMIN key) into a "
      "directory: datapackage.json and data/*.csv. Each file is checked "
      "against its size and SHA-256 and the files are moved into place only "
      "once all arrived; a failed export leaves the directory as it was",
      "  itp export --out leadit-itp-open-data\n"
      "  itp export --out /srv/opendata/itp --force --deadline 300\n"
      "  itp export --out itp-data -o json",
      [options](Session& s) { return ExportDataPackage(s, *options); });
  command
      ->add_option("--out", options->out,
                   "Directory to write into (created if missing; must be "
                   "empty unless --force)")
      ->required();
  command->add_flag("--force", options->force,
                    "Write into a directory that is not empty, replacing "
                    "the package's files (other files are left alone)");
}

}  // namespace itp::client
