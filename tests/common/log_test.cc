// The lines of server/common/log.h in both formats, at a fixed time: the
// text line of a call is what it always was (scripts such as
// bench/grpc_load.sh read it), and every JSON line parses as JSON (checked
// with protobuf's JSON parser into google.protobuf.Struct) with its fields.

#include "server/common/log.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace itp {
namespace {

const absl::Time kTime =
    absl::FromCivil(absl::CivilSecond(2026, 12, 3, 14, 2, 11),
                    absl::UTCTimeZone()) +
    absl::Milliseconds(412);

google::protobuf::Struct Parse(const std::string& line) {
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
  google::protobuf::Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
  EXPECT_TRUE(status.ok()) << status << "\n" << line;
  return parsed;
}

std::string Text(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "<missing>" : it->second.string_value();
}

CallLogRecord IndiaCreate() {
  CallLogRecord call;
  call.method = "/itp.v1.PlanService/CreatePlan";
  call.code = "OK";
  call.latency_ms = 1.5324;
  call.peer = "ipv4:127.0.0.1:40312";
  call.key_id = "3f9c0a6e1b2d4c58";
  call.role = "PARTNER";
  call.request_id = "0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10";
  call.resource = "countries/IND";
  return call;
}

TEST(LogTest, TextLinesAreAsBefore) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kInfo,
                          "itp-server listening on 127.0.0.1:50051"),
            "2026-12-03T14:02:11.412Z I itp-server listening on "
            "127.0.0.1:50051\n");
  EXPECT_EQ(
      FormatCallLine(LogFormat::kText, kTime, LogLevel::kInfo, IndiaCreate()),
      "2026-12-03T14:02:11.412Z I rpc /itp.v1.PlanService/CreatePlan "
      "code=OK latency_ms=1.532 peer=ipv4:127.0.0.1:40312 "
      "key=3f9c0a6e1b2d4c58\n");
  CallLogRecord refused;
  refused.method = "/itp.v1.PlanService/GetPlan";
  refused.code = "RESOURCE_EXHAUSTED";
  refused.peer = "ipv4:203.0.113.7:5512";
  refused.refused = true;
  refused.reason = "SERVER_AT_CAPACITY";
  EXPECT_EQ(
      FormatCallLine(LogFormat::kText, kTime, LogLevel::kWarning, refused),
      "2026-12-03T14:02:11.412Z W rpc /itp.v1.PlanService/GetPlan "
      "code=RESOURCE_EXHAUSTED latency_ms=0.000 "
      "peer=ipv4:203.0.113.7:5512 key=- refused SERVER_AT_CAPACITY\n");
}

TEST(LogTest, JsonCallLinesCarryEveryField) {
  const std::string line =
      FormatCallLine(LogFormat::kJson, kTime, LogLevel::kInfo, IndiaCreate());
  EXPECT_EQ(line,
            "{\"time\": \"2026-12-03T14:02:11.412Z\", \"level\": \"INFO\", "
            "\"message\": \"rpc\", \"method\": "
            "\"/itp.v1.PlanService/CreatePlan\", \"code\": \"OK\", "
            "\"latency_ms\": 1.532, \"peer\": \"ipv4:127.0.0.1:40312\", "
            "\"key_id\": \"3f9c0a6e1b2d4c58\", \"role\": \"PARTNER\", "
            "\"request_id\": \"0b6f2a8e-4c1d-4e3a-9a57-2f1d5c8e7b10\", "
            "\"resource\": \"countries/IND\", \"refused\": false}\n");
  google::protobuf::Struct parsed = Parse(line);
  EXPECT_EQ(parsed.fields().at("latency_ms").number_value(), 1.532);
  EXPECT_FALSE(parsed.fields().at("refused").bool_value());
  EXPECT_EQ(Text(parsed, "resource"), "countries/IND");

  CallLogRecord refused;
  refused.method = "/itp.v1.ReviewService/WatchPlanEvents";
  refused.code = "RESOURCE_EXHAUSTED";
  refused.refused = true;
  refused.reason = "TOO_MANY_STREAMS_FOR_KEY";
  parsed = Parse(
      FormatCallLine(LogFormat::kJson, kTime, LogLevel::kWarning, refused));
  EXPECT_EQ(Text(parsed, "level"), "WARNING");
  EXPECT_TRUE(parsed.fields().at("refused").bool_value());
  EXPECT_EQ(Text(parsed, "reason"), "TOO_MANY_STREAMS_FOR_KEY");
  EXPECT_EQ(Text(parsed, "key_id"), "");
}

TEST(LogTest, JsonEscapesWhatWouldBreakTheLine) {
  // A partner's text can reach a log line (a plan name in an error); quotes,
  // backslashes, newlines and control characters must not end the object
  // or the line. UTF-8 passes as it is.
  const std::string message =
      "plan \"Ministério da Economia\\Brasil\"\nnext line\t\x01 end";
  const std::string line =
      FormatLogLine(LogFormat::kJson, kTime, LogLevel::kError, message);
  EXPECT_EQ(line,
            "{\"time\": \"2026-12-03T14:02:11.412Z\", \"level\": \"ERROR\", "
            "\"message\": \"plan \\\"Ministério da Economia\\\\Brasil\\\"\\n"
            "next line\\t\\u0001 end\"}\n");
  EXPECT_EQ(Text(Parse(line), "message"), message);
}

TEST(LogTest, TheFormatIsProcessWide) {
  EXPECT_EQ(GetLogFormat(), LogFormat::kText);
  SetLogFormat(LogFormat::kJson);
  EXPECT_EQ(GetLogFormat(), LogFormat::kJson);
  SetLogFormat(LogFormat::kText);
}

}  // namespace
}  // namespace itp
