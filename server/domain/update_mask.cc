#include "server/domain/update_mask.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"
#include "server/domain/errors.h"

namespace itp::domain {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FieldMask;
using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;

bool IsSingularMessage(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         !field.is_repeated();
}

bool Populated(const Message& message, const FieldDescriptor& field) {
  const auto* reflection = message.GetReflection();
  return field.is_repeated() ? reflection->FieldSize(message, &field) > 0
                             : reflection->HasField(message, &field);
}

// "use one of display_name, summary, ...; fields inside finance and
// governance can be named too, e.g. governance.lead_institution."
std::string UpdatableList(const Descriptor& type,
                          const UpdatableFields& updatable) {
  std::string text =
      absl::StrCat("use one of ", absl::StrJoin(updatable.fields, ", "));
  std::vector<std::string> nested;
  std::string example;
  for (absl::string_view name : updatable.fields) {
    const FieldDescriptor* field = type.FindFieldByName(std::string(name));
    if (field == nullptr || !IsSingularMessage(*field) ||
        field->message_type()->field_count() == 0) {
      continue;
    }
    nested.emplace_back(name);
    if (example.empty()) {
      example =
          absl::StrCat(name, ".", field->message_type()->field(0)->name());
    }
  }
  if (!nested.empty()) {
    absl::StrAppend(&text, "; fields inside ", absl::StrJoin(nested, " and "),
                    " can be named too, e.g. ", example);
  }
  absl::StrAppend(&text, ".");
  return text;
}

// Why `path` cannot be updated, or "" when it can.
std::string PathProblem(const Descriptor& type, absl::string_view path,
                        const UpdatableFields& updatable) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  if (std::find(updatable.fields.begin(), updatable.fields.end(), parts[0]) ==
      updatable.fields.end()) {
    return absl::StrCat("'", path, "' is not a field that can be updated; ",
                        UpdatableList(type, updatable));
  }
  const Descriptor* current = &type;
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field =
        current->FindFieldByName(std::string(parts[i]));
    if (field == nullptr) {
      return absl::StrCat("'", path, "' is not a field that can be updated: ",
                          current->name(), " has no field '", parts[i], "'.");
    }
    if (i + 1 == parts.size()) break;
    if (!IsSingularMessage(*field)) {
      return absl::StrCat(
          "'", path, "' goes inside '",
          absl::StrJoin(parts.begin(), parts.begin() + i + 1, "."),
          "', which is ", field->is_repeated() ? "a list" : "not a message",
          "; name the whole field to replace it.");
    }
    current = field->message_type();
  }
  return "";
}

// The populated leaf fields of `message` under `prefix`, depth first.
void PopulatedPaths(const Message& message, const FieldDescriptor& field,
                    const std::string& prefix, std::vector<std::string>& out) {
  if (!Populated(message, field)) return;
  if (!IsSingularMessage(field)) {
    out.push_back(prefix);
    return;
  }
  const Message& child = message.GetReflection()->GetMessage(message, &field);
  const Descriptor* type = child.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    PopulatedPaths(child, *type->field(i),
                   absl::StrCat(prefix, ".", type->field(i)->name()), out);
  }
}

void ApplyPath(const Message* patch, absl::Span<const absl::string_view> parts,
               Message& current) {
  const FieldDescriptor* field =
      current.GetDescriptor()->FindFieldByName(std::string(parts[0]));
  if (field == nullptr) return;  // ResolveUpdateMask has checked every path.
  const auto* reflection = current.GetReflection();
  const bool in_patch = patch != nullptr && Populated(*patch, *field);
  if (parts.size() > 1) {
    if (!in_patch && !reflection->HasField(current, field)) return;
    const Message* patch_child =
        in_patch ? &patch->GetReflection()->GetMessage(*patch, field) : nullptr;
    ApplyPath(patch_child, parts.subspan(1),
              *reflection->MutableMessage(&current, field));
    return;
  }
  if (!in_patch) {
    reflection->ClearField(&current, field);
    return;
  }
  FieldMask leaf;
  leaf.add_paths(field->name());
  FieldMaskUtil::MergeOptions replace;
  replace.set_replace_message_fields(true);
  replace.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(*patch, leaf, replace, &current);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const Message& patch, const FieldMask& mask,
    const UpdatableFields& updatable) {
  if (mask.paths_size() > updatable.max_paths) {
    return InvalidField(
        "update_mask.paths",
        absl::StrCat("has ", mask.paths_size(), " paths; at most ",
                     updatable.max_paths, " are allowed."));
  }
  const Descriptor& type = *patch.GetDescriptor();
  FieldViolations violations;
  bool all = false;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (path == "*") {
      all = true;
      continue;
    }
    std::string problem = PathProblem(type, path, updatable);
    if (!problem.empty()) {
      violations.Add(absl::StrCat("update_mask.paths[", i, "]"),
                     std::move(problem));
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  std::vector<std::string> paths;
  if (all) {
    for (absl::string_view name : updatable.fields) paths.emplace_back(name);
  } else if (mask.paths_size() == 0) {
    for (absl::string_view name : updatable.fields) {
      const FieldDescriptor* field = type.FindFieldByName(std::string(name));
      if (field != nullptr) {
        PopulatedPaths(patch, *field, std::string(name), paths);
      }
    }
  } else {
    paths.assign(mask.paths().begin(), mask.paths().end());
  }
  return paths;
}

void ApplyUpdatePaths(const Message& patch,
                      const std::vector<std::string>& paths, Message& current) {
  for (const std::string& path : paths) {
    std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
    ApplyPath(&patch, parts, current);
  }
}

}  // namespace itp::domain
