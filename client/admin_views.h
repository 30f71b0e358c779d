// How the `itp keys` and `itp audit` commands print API keys and audit events
// in each output format.
#ifndef ITP_CLIENT_ADMIN_VIEWS_H_
#define ITP_CLIENT_ADMIN_VIEWS_H_

#include <ostream>

#include "client/output.h"
#include "itp/v1/admin_service.pb.h"

namespace itp::client {

// Table: the new key and its secret, set apart, with the warning that it is
// shown only once. CSV: one record including the secret. JSON: the response.
void PrintCreatedKey(std::ostream& out, OutputFormat format,
                     const itp::v1::CreateApiKeyResponse& response);

// One row per key (never a secret).
void PrintKeys(std::ostream& out, OutputFormat format,
               const itp::v1::ListApiKeysResponse& response);

// One key (never its secret): its row, or the key itself (JSON).
void PrintKey(std::ostream& out, OutputFormat format,
              const itp::v1::ApiKey& key);

// A confirmation (table), or the revoked key.
void PrintRevokedKey(std::ostream& out, OutputFormat format,
                     const itp::v1::ApiKey& key);

// One row per audit event, newest first.
void PrintAuditEvents(std::ostream& out, OutputFormat format,
                      const itp::v1::ListAuditEventsResponse& response);

// One audit event: its row, or the event itself (JSON).
void PrintAuditEvent(std::ostream& out, OutputFormat format,
                     const itp::v1::AuditEvent& event);

}  // namespace itp::client

#endif  // ITP_CLIENT_ADMIN_VIEWS_H_
