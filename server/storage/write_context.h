// Who makes a write, and how the write is recorded. Every store write takes a
// WriteContext; the store records an audit event for the write in the same
// transaction as the change, so there is never a change without its record.
#ifndef ITP_SERVER_STORAGE_WRITE_CONTEXT_H_
#define ITP_SERVER_STORAGE_WRITE_CONTEXT_H_

#include <string>

#include "itp/v1/admin_service.pb.h"

namespace itp::storage {

struct WriteContext {
  // Full RPC method, e.g. "/itp.v1.PlanService/SubmitPlan".
  std::string method;
  // Optional UUID (lower case) that makes the write retry-safe. Ids are the
  // API key's own: another key's same id is another request.
  std::string request_id;
  // A digest of the request the id came with (request_id aside): a retry
  // must send the same request, else it is INVALID_ARGUMENT.
  std::string request_hash;
  // `apiKeys/{id}` of the caller; empty for the server itself.
  std::string api_key;
  itp::v1::Role role = itp::v1::ROLE_UNSPECIFIED;
  // The client's address as gRPC gives it without the port, e.g.
  // "ipv4:203.0.113.7"; recorded in audit rows. Empty for the server itself.
  std::string peer;
  // The call only reads (Get, List, Watch, Stream, Compare): the audit row of
  // its denial or failure records no change, and retention deletes it after
  // a while (server/storage/retention_store.h). Successful writes are change
  // records whatever this says.
  bool is_read = false;
};

}  // namespace itp::storage

#endif  // ITP_SERVER_STORAGE_WRITE_CONTEXT_H_
