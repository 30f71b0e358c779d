// The frame of the `itp` command tree: the global flags every command takes,
// the Session a command runs in (connection, output format, streams), and the
// dispatch from the command line to an exit code. Command groups live in
// commands_<group>.cc and register themselves through Add*Commands
// (commands.h); a new group adds one file and one line in main.cc.
//
//   Cli cli;
//   CLI::App* plans = cli.AddGroup(cli.root(), "plans", "Work with plans.");
//   auto name = std::make_shared<std::string>();
//   CLI::App* get = cli.AddCommand(plans, "get", "Show a plan.", kExamples,
//       [name](Session& s) { return GetPlan(s, *name); });
//   get->add_option("NAME", *name)->required();
//   return cli.Run(argc, argv);
#ifndef ITP_CLIENT_CLI_H_
#define ITP_CLIENT_CLI_H_

#include <algorithm>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"
#include "client/itp_client.h"
#include "client/output.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "grpcpp/support/status.h"

namespace itp::client {

// Largest page the ITP API serves.
inline constexpr int kMaxPageSize = 1000;

// What a command works with once the command line is parsed.
class Session {
 public:
  Session(std::unique_ptr<Connection> connection, OutputFormat format,
          std::ostream& out, std::ostream& err)
      : connection_(std::move(connection)),
        format_(format),
        out_(out),
        err_(err) {}

  Connection& connection() { return *connection_; }
  OutputFormat format() const { return format_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Prints the error of a failed call and returns its exit code.
  int Fail(const grpc::Status& status);
  // Prints `message` (a problem found before any call, such as an unreadable
  // input file) and returns the usage exit code.
  int UsageError(absl::string_view message);

 private:
  std::unique_ptr<Connection> connection_;
  OutputFormat format_;
  std::ostream& out_;
  std::ostream& err_;
};

// Runs a parsed command; returns the process exit code.
using CommandAction = std::function<int(Session&)>;

// The root `itp` command and its global flags.
class Cli {
 public:
  Cli();

  CLI::App* root() { return &app_; }

  // Adds a group such as `plans` under `parent`; run without a command, it
  // prints its help and exits 2.
  CLI::App* AddGroup(CLI::App* parent, const std::string& name,
                     const std::string& description);

  // Adds a runnable command under `group` with the global flags and
  // `examples` as its help footer; `action` runs when it is selected. A
  // command with `needs_api_key` false runs without a key (and sends none).
  CLI::App* AddCommand(CLI::App* group, const std::string& name,
                       const std::string& description,
                       const std::string& examples, CommandAction action,
                       bool needs_api_key = true);

  // Parses the command line, connects and runs the selected command. Returns
  // 0 after --help, 2 for usage and configuration errors, else the command's
  // exit code.
  int Run(int argc, char** argv);

 private:
  struct GlobalFlags {
    std::string address;
    std::string api_key;
    std::string api_key_file;
    std::string tls_ca;
    double deadline_seconds = 0;
    std::string output = "table";
  };

  void AddGlobalFlags(CLI::App* command);

  CLI::App app_;
  GlobalFlags flags_;
  CommandAction selected_;
  bool selected_needs_api_key_ = true;
};

// `countries/IND/plans/steel-2070` from itself or from the short form
// `IND/steel-2070`; likewise for names under a plan, so that
// `IND/steel-2070/reviews/3` is `countries/IND/plans/steel-2070/reviews/3`
// and `IND/steel-2070/reviews/3/comments/7` a comment of it. Other text is
// returned unchanged for the server to judge.
std::string PlanName(absl::string_view name);

// Reads a whole file, or standard input for "-". Returns INVALID_ARGUMENT
// naming the file when it cannot be read.
absl::StatusOr<std::string> ReadInputFile(const std::string& path);

// Pages through a List method: calls `call(context, page_token, page_size,
// &page)` (returning grpc::Status) until the last page or until `limit` items
// (0: no limit), and returns the first page's response holding every item, with
// an empty next_page_token. `items` is the response's mutable accessor, e.g.
// &itp::v1::ListPlansResponse::mutable_plans.
template <typename Response, typename Item, typename Call>
grpc::Status ListAll(
    Session& session, int limit, const Call& call,
    google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
    Response* all) {
  std::string page_token;
  bool first = true;
  do {
    const int have = first ? 0 : (all->*items)()->size();
    const int page_size =
        limit > 0 ? std::min(limit - have, kMaxPageSize) : kMaxPageSize;
    Response page;
    std::unique_ptr<grpc::ClientContext> context =
        session.connection().NewCallContext();
    grpc::Status status = call(context.get(), page_token, page_size, &page);
    if (!status.ok()) return status;
    page_token = page.next_page_token();
    if (first) {
      *all = std::move(page);
      first = false;
    } else {
      for (Item& item : *(page.*items)()) {
        *(all->*items)()->Add() = std::move(item);
      }
    }
    if (limit > 0 && (all->*items)()->size() >= limit) {
      (all->*items)()->DeleteSubrange(limit, (all->*items)()->size() - limit);
      break;
    }
  } while (!page_token.empty());
  all->clear_next_page_token();
  return grpc::Status::OK;
}

}  // namespace itp::client

#endif  // ITP_CLIENT_CLI_H_
