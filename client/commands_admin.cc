// `itp keys ...` and `itp audit ...`: API keys and the audit trail (ADMIN keys
// only).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "client/admin_views.h"
#include "client/commands.h"
#include "google/protobuf/util/time_util.h"

namespace itp::client {
namespace {

struct CreateKeyOptions {
  std::string role;
  std::vector<std::string> countries;
  std::string name;
  std::string expires;
};

int CreateKey(Session& session, const CreateKeyOptions& options) {
  itp::v1::CreateApiKeyRequest request;
  itp::v1::ApiKey& key = *request.mutable_api_key();
  key.set_display_name(options.name);
  itp::v1::Role role = itp::v1::ROLE_UNSPECIFIED;
  itp::v1::Role_Parse(options.role, &role);
  key.set_role(role);
  for (const std::string& country : options.countries) {
    key.add_countries(absl::AsciiStrToUpper(country));
  }
  if (!options.expires.empty() &&
      !google::protobuf::util::TimeUtil::FromString(
          options.expires, key.mutable_expire_time())) {
    return session.UsageError(
        "--expires must be an RFC 3339 time, e.g. 2027-12-31T23:59:59Z.");
  }
  auto context = session.connection().NewCallContext();
  itp::v1::CreateApiKeyResponse response;
  grpc::Status status = session.connection().admin().CreateApiKey(
      context.get(), request, &response);
  if (!status.ok()) return session.Fail(status);
  PrintCreatedKey(session.out(), session.format(), response);
  return kExitOk;
}

struct ListKeysOptions {
  bool all = false;
};

int ListKeys(Session& session, const ListKeysOptions& options) {
  itp::v1::ListApiKeysRequest request;
  request.set_show_inactive(options.all);
  itp::v1::ListApiKeysResponse all;
  grpc::Status status = ListAll(
      session, 0,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListApiKeysResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().admin().ListApiKeys(context, request, page);
      },
      &itp::v1::ListApiKeysResponse::mutable_api_keys, &all);
  if (!status.ok()) return session.Fail(status);
  PrintKeys(session.out(), session.format(), all);
  return kExitOk;
}

struct KeyNameOptions {
  std::string name;
};

// `apiKeys/KEY_ID` for KEY_ID or the name itself.
std::string KeyName(const std::string& name) {
  return absl::StartsWith(name, "apiKeys/") ? name : "apiKeys/" + name;
}

int GetKey(Session& session, const KeyNameOptions& options) {
  itp::v1::GetApiKeyRequest request;
  request.set_name(KeyName(options.name));
  auto context = session.connection().NewCallContext();
  itp::v1::ApiKey key;
  grpc::Status status =
      session.connection().admin().GetApiKey(context.get(), request, &key);
  if (!status.ok()) return session.Fail(status);
  PrintKey(session.out(), session.format(), key);
  return kExitOk;
}

int RevokeKey(Session& session, const KeyNameOptions& options) {
  itp::v1::RevokeApiKeyRequest request;
  request.set_name(KeyName(options.name));
  auto context = session.connection().NewCallContext();
  itp::v1::ApiKey key;
  grpc::Status status =
      session.connection().admin().RevokeApiKey(context.get(), request, &key);
  if (!status.ok()) return session.Fail(status);
  PrintRevokedKey(session.out(), session.format(), key);
  return kExitOk;
}

struct AuditOptions {
  std::string filter;
  int limit = 50;
};

int ListAudit(Session& session, const AuditOptions& options) {
  itp::v1::ListAuditEventsRequest request;
  request.set_filter(options.filter);
  itp::v1::ListAuditEventsResponse all;
  grpc::Status status = ListAll(
      session, options.limit,
      [&](grpc::ClientContext* context, const std::string& page_token,
          int page_size, itp::v1::ListAuditEventsResponse* page) {
        request.set_page_token(page_token);
        request.set_page_size(page_size);
        return session.connection().admin().ListAuditEvents(context, request,
                                                            page);
      },
      &itp::v1::ListAuditEventsResponse::mutable_audit_events, &all);
  if (!status.ok()) return session.Fail(status);
  PrintAuditEvents(session.out(), session.format(), all);
  return kExitOk;
}

struct AuditEventOptions {
  std::string name;
};

int GetAudit(Session& session, const AuditEventOptions& options) {
  itp::v1::GetAuditEventRequest request;
  request.set_name(absl::StartsWith(options.name, "auditEvents/")
                       ? options.name
                       : "auditEvents/" + options.name);
  auto context = session.connection().NewCallContext();
  itp::v1::AuditEvent event;
  grpc::Status status =
      session.connection().admin().GetAuditEvent(context.get(), request, &event);
  if (!status.ok()) return session.Fail(status);
  PrintAuditEvent(session.out(), session.format(), event);
  return kExitOk;
}

}  // namespace

void AddAdminCommands(Cli& cli) {
  CLI::App* keys =
      cli.AddGroup(cli.root(), "keys", "API keys (ADMIN keys only)");

  auto create = std::make_shared<CreateKeyOptions>();
  CLI::App* command = cli.AddCommand(
      keys, "create", "Create an API key; its secret is printed once",
      "  itp keys create --role PARTNER --country IND --name \"Ministry of "
      "Steel, India\"\n"
      "  itp keys create --role REVIEWER --name \"LeadIT secretariat, "
      "Stockholm\" -o json",
      [create](Session& s) { return CreateKey(s, *create); });
  command
      ->add_option("--role", create->role,
                   "PARTNER, REVIEWER, BENCHMARK_RUNNER or ADMIN")
      ->required()
      ->transform(
          CLI::IsMember({"PARTNER", "REVIEWER", "BENCHMARK_RUNNER", "ADMIN"},
                        CLI::ignore_case));
  command
      ->add_option("--country", create->countries,
                   "ISO 3166-1 alpha-3 code of a country the key may act "
                   "for; repeatable or comma-separated (PARTNER keys)")
      ->delimiter(',');
  command->add_option("--name", create->name, "Who holds the key")->required();
  command->add_option("--expires", create->expires,
                      "RFC 3339 time at which the key stops working");

  auto list = std::make_shared<ListKeysOptions>();
  command = cli.AddCommand(keys, "list", "List API keys (never their secrets)",
                           "  itp keys list\n  itp keys list --all -o csv",
                           [list](Session& s) { return ListKeys(s, *list); });
  command->add_flag("--all", list->all, "Include revoked and expired keys");

  auto get = std::make_shared<KeyNameOptions>();
  command = cli.AddCommand(
      keys, "get", "Show one API key (never its secret), revoked ones too",
      "  itp keys get apiKeys/KEY_ID\n  itp keys get KEY_ID -o json",
      [get](Session& s) { return GetKey(s, *get); });
  command->add_option("NAME", get->name, "apiKeys/KEY_ID or KEY_ID")
      ->required();

  auto revoke = std::make_shared<KeyNameOptions>();
  command = cli.AddCommand(
      keys, "revoke", "Revoke an API key; it fails from its next call on",
      "  itp keys revoke apiKeys/KEY_ID",
      [revoke](Session& s) { return RevokeKey(s, *revoke); });
  command->add_option("NAME", revoke->name, "apiKeys/KEY_ID or KEY_ID")
      ->required();

  CLI::App* audit =
      cli.AddGroup(cli.root(), "audit", "The audit trail (ADMIN keys only)");
  auto events = std::make_shared<AuditOptions>();
  command = cli.AddCommand(
      audit, "list", "List audit events, newest first",
      "  itp audit list --limit 20\n"
      "  itp audit list --filter 'code = PERMISSION_DENIED AND time >= "
      "\"2026-11-01T00:00:00Z\"' -o csv",
      [events](Session& s) { return ListAudit(s, *events); });
  command->add_option("--filter", events->filter,
                      "AIP-160 filter over api_key, method, resource, code "
                      "and time");
  command
      ->add_option("--limit", events->limit,
                   "Show at most this many events (default 50, 0 for all)")
      ->check(CLI::Range(0, 1000000));

  auto event = std::make_shared<AuditEventOptions>();
  command = cli.AddCommand(
      audit, "get", "Show one audit event",
      "  itp audit get auditEvents/1042\n  itp audit get 1042 -o json",
      [event](Session& s) { return GetAudit(s, *event); });
  command->add_option("NAME", event->name, "auditEvents/ID or ID")->required();
}

}  // namespace itp::client
