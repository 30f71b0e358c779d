// Reflection diff of protobuf messages; see plan_diff.h.
#include "client/plan_diff.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/output.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

namespace itp::client {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string CompactJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

// The value of a scalar field (index < 0) or of one element of a repeated
// scalar field, as text.
std::string ScalarText(const Message& message, const FieldDescriptor* field,
                       int index) {
  const Reflection* r = message.GetReflection();
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r->GetRepeatedInt32(message, field, index)
                                   : r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? r->GetRepeatedInt64(message, field, index)
                                   : r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? r->GetRepeatedUInt32(message, field, index)
                                   : r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? r->GetRepeatedUInt64(message, field, index)
                                   : r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FormatNumber(repeated ? r->GetRepeatedDouble(message, field, index)
                                   : r->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return FormatNumber(repeated ? r->GetRepeatedFloat(message, field, index)
                                   : r->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index)
                       : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumName(field->enum_type(),
                      repeated ? r->GetRepeatedEnumValue(message, field, index)
                               : r->GetEnumValue(message, field));
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r->GetRepeatedString(message, field, index)
                      : r->GetString(message, field);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return CompactJson(repeated ? r->GetRepeatedMessage(message, field, index)
                                  : r->GetMessage(message, field));
  }
  return "";
}

void Diff(const Message& from, const Message& to, const std::string& prefix,
          std::vector<FieldChange>* changes);

void DiffRepeated(const Message& from, const Message& to,
                  const FieldDescriptor* field, const std::string& path,
                  std::vector<FieldChange>* changes) {
  const Reflection* rf = from.GetReflection();
  const Reflection* rt = to.GetReflection();
  const int from_size = rf->FieldSize(from, field);
  const int to_size = rt->FieldSize(to, field);
  const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  for (int i = 0; i < std::max(from_size, to_size); ++i) {
    const std::string element = absl::StrCat(path, "[", i, "]");
    if (i >= from_size) {
      changes->push_back({element, kUnset, ScalarText(to, field, i)});
    } else if (i >= to_size) {
      changes->push_back({element, ScalarText(from, field, i), kUnset});
    } else if (is_message) {
      Diff(rf->GetRepeatedMessage(from, field, i),
           rt->GetRepeatedMessage(to, field, i), element, changes);
    } else {
      std::string old_value = ScalarText(from, field, i);
      std::string new_value = ScalarText(to, field, i);
      if (old_value != new_value) {
        changes->push_back(
            {element, std::move(old_value), std::move(new_value)});
      }
    }
  }
}

void Diff(const Message& from, const Message& to, const std::string& prefix,
          std::vector<FieldChange>* changes) {
  const google::protobuf::Descriptor* type = from.GetDescriptor();
  const Reflection* rf = from.GetReflection();
  const Reflection* rt = to.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path = prefix.empty()
                                 ? field->name()
                                 : absl::StrCat(prefix, ".", field->name());
    if (field->is_repeated()) {
      DiffRepeated(from, to, field, path, changes);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Diff(rf->GetMessage(from, field), rt->GetMessage(to, field), path,
           changes);
    } else {
      const bool presence = field->has_presence();
      const bool from_set = !presence || rf->HasField(from, field);
      const bool to_set = !presence || rt->HasField(to, field);
      std::string old_value = from_set ? ScalarText(from, field, -1) : kUnset;
      std::string new_value = to_set ? ScalarText(to, field, -1) : kUnset;
      if (old_value != new_value) {
        changes->push_back({path, std::move(old_value), std::move(new_value)});
      }
    }
  }
}

void ClearBookkeeping(itp::v1::Plan* plan) {
  plan->clear_name();
  plan->clear_state();
  plan->clear_revision();
  plan->clear_etag();
  plan->clear_country();
  plan->clear_create_time();
  plan->clear_update_time();
  plan->clear_submit_time();
  plan->clear_withdrawal_reason();
}

}  // namespace

std::vector<FieldChange> DiffMessages(const Message& from, const Message& to) {
  std::vector<FieldChange> changes;
  Diff(from, to, "", &changes);
  return changes;
}

std::vector<FieldChange> DiffPlanContent(const itp::v1::Plan& from,
                                         const itp::v1::Plan& to) {
  itp::v1::Plan old_content = from;
  itp::v1::Plan new_content = to;
  ClearBookkeeping(&old_content);
  ClearBookkeeping(&new_content);
  return DiffMessages(old_content, new_content);
}

}  // namespace itp::client
