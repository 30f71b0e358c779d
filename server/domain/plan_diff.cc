#include "server/domain/plan_diff.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "server/domain/plan_lifecycle.h"

namespace itp::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsContentField(const FieldDescriptor* field) {
  return field->containing_type() != itp::v1::Plan::descriptor() ||
         IsUpdatableField(field->name());
}

// The text form of a singular or repeated (at `index`) field value.
std::string ValueText(const Message& message, const FieldDescriptor* field,
                      int index) {
  std::string out;
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  printer.PrintFieldValueToString(message, field, index, &out);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Join(const std::string& prefix, absl::string_view segment) {
  return prefix.empty() ? std::string(segment)
                        : absl::StrCat(prefix, ".", segment);
}

void Diff(const Message& a, const Message& b, const std::string& prefix,
          std::vector<itp::v1::FieldChange>* out);

void DiffField(const Message& a, const Message& b, const FieldDescriptor* f,
               const std::string& prefix,
               std::vector<itp::v1::FieldChange>* out) {
  const Reflection* ra = a.GetReflection();
  const Reflection* rb = b.GetReflection();
  const std::string path = Join(prefix, f->name());
  auto add = [out](std::string p, std::string old_value,
                   std::string new_value) {
    itp::v1::FieldChange change;
    change.set_path(std::move(p));
    change.set_old_value(std::move(old_value));
    change.set_new_value(std::move(new_value));
    out->push_back(std::move(change));
  };
  if (f->is_repeated()) {
    const int na = ra->FieldSize(a, f);
    const int nb = rb->FieldSize(b, f);
    for (int i = 0; i < std::max(na, nb); ++i) {
      const std::string element = absl::StrCat(path, "[", i, "]");
      if (i >= na) {
        add(element, "", ValueText(b, f, i));
      } else if (i >= nb) {
        add(element, ValueText(a, f, i), "");
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        Diff(ra->GetRepeatedMessage(a, f, i), rb->GetRepeatedMessage(b, f, i),
             element, out);
      } else {
        std::string va = ValueText(a, f, i);
        std::string vb = ValueText(b, f, i);
        if (va != vb) add(element, va, vb);
      }
    }
    return;
  }
  // Scalars without presence always have a value: a change to false, 0 or
  // the first enum value is shown as such, not as a removal.
  const bool always =
      f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE && !f->has_presence();
  const bool has_a = always || ra->HasField(a, f);
  const bool has_b = always || rb->HasField(b, f);
  if (!has_a && !has_b) return;
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && has_a && has_b) {
    Diff(ra->GetMessage(a, f), rb->GetMessage(b, f), path, out);
    return;
  }
  std::string va = has_a ? ValueText(a, f, -1) : "";
  std::string vb = has_b ? ValueText(b, f, -1) : "";
  if (va != vb) add(path, va, vb);
}

void Diff(const Message& a, const Message& b, const std::string& prefix,
          std::vector<itp::v1::FieldChange>* out) {
  const auto* descriptor = a.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* f = descriptor->field(i);
    if (!IsContentField(f)) continue;
    DiffField(a, b, f, prefix, out);
  }
}

}  // namespace

std::string AnchorProblem(const itp::v1::Plan& plan, absl::string_view path) {
  const Message* message = &plan;
  std::vector<absl::string_view> segments = absl::StrSplit(path, '.');
  for (size_t s = 0; s < segments.size(); ++s) {
    absl::string_view segment = segments[s];
    if (message == nullptr) {
      return absl::StrCat("'", path, "': '", segment,
                          "' follows a field that has no fields.");
    }
    int index = -1;
    size_t bracket = segment.find('[');
    absl::string_view name = segment.substr(0, bracket);
    if (bracket != absl::string_view::npos) {
      absl::string_view digits =
          segment.back() == ']'
              ? segment.substr(bracket + 1, segment.size() - bracket - 2)
              : absl::string_view();
      // Plain digits only, so that anchors match the paths DiffPlans writes.
      bool plain = !digits.empty();
      for (char c : digits) plain = plain && absl::ascii_isdigit(c);
      if (!plain || !absl::SimpleAtoi(digits, &index)) {
        return absl::StrCat("'", path, "': '", segment,
                            "' has a malformed index.");
      }
    }
    const FieldDescriptor* f =
        message->GetDescriptor()->FindFieldByName(std::string(name));
    if (f == nullptr || !IsContentField(f)) {
      return absl::StrCat("'", path, "': ", message->GetDescriptor()->name(),
                          " has no field '", name, "'.");
    }
    const Reflection* r = message->GetReflection();
    const bool last = s + 1 == segments.size();
    if (f->is_repeated()) {
      if (index < 0) {
        if (last) return "";
        return absl::StrCat("'", path, "': '", name,
                            "' is a list; name an element, e.g. ", name,
                            "[0].");
      }
      const int size = r->FieldSize(*message, f);
      if (index >= size) {
        return absl::StrCat("'", path, "': ", name, " has ", size,
                            size == 1 ? " entry" : " entries",
                            " in this revision (no index ", index, ").");
      }
      message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                    ? &r->GetRepeatedMessage(*message, f, index)
                    : nullptr;
    } else {
      if (index >= 0) {
        return absl::StrCat("'", path, "': '", name, "' is not a list.");
      }
      message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                    ? &r->GetMessage(*message, f)
                    : nullptr;
    }
  }
  return "";
}

std::vector<itp::v1::FieldChange> DiffPlans(const itp::v1::Plan& from,
                                            const itp::v1::Plan& to) {
  std::vector<itp::v1::FieldChange> changes;
  Diff(from, to, "", &changes);
  return changes;
}

}  // namespace itp::domain
