// Reads the rich error details a server puts in a grpc::Status trailer
// (google.rpc.Status in error_details()), so tests can assert on the fields a
// BadRequest names and on the ErrorInfo reason rather than on message text.
//
//   grpc::Status status = stub->CreatePlan(&context, request, &plan);
//   EXPECT_THAT(ViolatedFields(status), ElementsAre("parent"));
//   EXPECT_EQ(ErrorReason(status), "PLAN_ALREADY_EXISTS");
#ifndef ITP_TESTS_TESTING_GRPC_STATUS_H_
#define ITP_TESTS_TESTING_GRPC_STATUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "grpcpp/support/status.h"

namespace itp::testing {

// The field paths of the BadRequest detail in a status's trailer, in order.
// Adds a test failure when the trailer is not a google.rpc.Status.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

// The ErrorInfo reason in a status's trailer, or "".
std::string ErrorReason(const grpc::Status& status);

// The RetryInfo delay in a status's trailer in milliseconds, or -1 when it
// has none.
int64_t RetryDelayMs(const grpc::Status& status);

}  // namespace itp::testing

#endif  // ITP_TESTS_TESTING_GRPC_STATUS_H_
