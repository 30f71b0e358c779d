// Printing of API keys and audit events; see admin_views.h.
#include "client/admin_views.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace itp::client {
namespace {

using itp::v1::ApiKey;

std::string RoleName(itp::v1::Role role) {
  return EnumName(itp::v1::Role_descriptor(), role);
}

Table KeyTable(OutputFormat format,
               const google::protobuf::RepeatedPtrField<ApiKey>& keys) {
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"NAME", "name"},
               {"HOLDER", "display_name"},
               {"ROLE", "role"},
               {"COUNTRIES", "countries"},
               {"STATE", "state"},
               {"CREATED", "create_time"},
               {"EXPIRES", "expire_time"}});
  for (const ApiKey& key : keys) {
    auto time = [csv](const google::protobuf::Timestamp& t) {
      return csv ? FormatRfc3339(t) : OrNoValue(FormatTime(t));
    };
    table.AddRow({key.name(), key.display_name(), RoleName(key.role()),
                  csv ? absl::StrJoin(key.countries(), ";")
                      : OrNoValue(absl::StrJoin(key.countries(), ",")),
                  EnumName(ApiKey::State_descriptor(), key.state()),
                  time(key.create_time()), time(key.expire_time())});
  }
  return table;
}

Table AuditTable(
    OutputFormat format,
    const google::protobuf::RepeatedPtrField<itp::v1::AuditEvent>& events) {
  const bool csv = format == OutputFormat::kCsv;
  Table table({{"NAME", "name"},
               {"TIME", "time"},
               {"CODE", "code"},
               {"METHOD", "method"},
               {"RESOURCE", "resource"},
               {"API KEY", "api_key"},
               {"ROLE", "role"},
               {"MESSAGE", "message"}});
  for (const auto& event : events) {
    table.AddRow({event.name(),
                  csv ? FormatRfc3339(event.time()) : FormatTime(event.time()),
                  event.code(), event.method(), event.resource(),
                  csv ? event.api_key() : OrNoValue(event.api_key()),
                  event.role() == itp::v1::ROLE_UNSPECIFIED && !csv
                      ? kNoValue
                      : RoleName(event.role()),
                  csv ? event.message() : OrNoValue(event.message())});
  }
  return table;
}

}  // namespace

void PrintCreatedKey(std::ostream& out, OutputFormat format,
                     const itp::v1::CreateApiKeyResponse& response) {
  const ApiKey& key = response.api_key();
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(response);
      return;
    case OutputFormat::kCsv: {
      Table table({{"NAME", "name"},
                   {"HOLDER", "display_name"},
                   {"ROLE", "role"},
                   {"COUNTRIES", "countries"},
                   {"SECRET", "secret"}});
      table.AddRow({key.name(), key.display_name(), RoleName(key.role()),
                    absl::StrJoin(key.countries(), ";"), response.secret()});
      table.PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      out << "Created API key " << key.name() << " for \"" << key.display_name()
          << "\" (" << RoleName(key.role());
      if (!key.countries().empty()) {
        out << ", countries " << absl::StrJoin(key.countries(), ", ");
      }
      out << ").\n\n    " << response.secret() << "\n\n"
          << "This secret is shown only once and cannot be recovered. Save it "
             "now in a file only\nits holder can read, and use it with "
             "--api-key-file FILE or ITP_API_KEY_FILE=FILE.\n";
      return;
  }
}

void PrintKeys(std::ostream& out, OutputFormat format,
               const itp::v1::ListApiKeysResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.api_keys().empty()) {
    out << "No API keys.\n";
    return;
  }
  KeyTable(format, response.api_keys()).Print(out, format);
}

void PrintKey(std::ostream& out, OutputFormat format, const ApiKey& key) {
  if (format == OutputFormat::kJson) {
    out << ToJson(key);
    return;
  }
  google::protobuf::RepeatedPtrField<ApiKey> keys;
  *keys.Add() = key;
  KeyTable(format, keys).Print(out, format);
}

void PrintRevokedKey(std::ostream& out, OutputFormat format,
                     const ApiKey& key) {
  switch (format) {
    case OutputFormat::kJson:
      out << ToJson(key);
      return;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<ApiKey> keys;
      *keys.Add() = key;
      KeyTable(format, keys).PrintCsv(out);
      return;
    }
    case OutputFormat::kTable:
      out << "Revoked " << key.name() << " (\"" << key.display_name()
          << "\"); it fails from its next call on.\n";
      return;
  }
}

void PrintAuditEvents(std::ostream& out, OutputFormat format,
                      const itp::v1::ListAuditEventsResponse& response) {
  if (format == OutputFormat::kJson) {
    out << ToJson(response);
    return;
  }
  if (format == OutputFormat::kTable && response.audit_events().empty()) {
    out << "No audit events.\n";
    return;
  }
  AuditTable(format, response.audit_events()).Print(out, format);
}

void PrintAuditEvent(std::ostream& out, OutputFormat format,
                     const itp::v1::AuditEvent& event) {
  if (format == OutputFormat::kJson) {
    out << ToJson(event);
    return;
  }
  google::protobuf::RepeatedPtrField<itp::v1::AuditEvent> events;
  *events.Add() = event;
  AuditTable(format, events).Print(out, format);
}

}  // namespace itp::client
