#include "server/domain/plan_query.h"

#include <iterator>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "itp/v1/investment.pb.h"
#include "itp/v1/plan.pb.h"
#include "itp/v1/progress.pb.h"
#include "server/domain/countries.h"
#include "server/domain/errors.h"
#include "server/domain/filter_lexer.h"

namespace itp::domain {
namespace {

using internal::FilterError;
using internal::Token;
using internal::Tokenize;

constexpr int kMaxDepth = 16;

struct FieldSpec {
  const char* name;
  FilterField field;
};

constexpr FieldSpec kPlanFields[] = {
    {"state", FilterField::kState},
    {"sector", FilterField::kSector},
    {"country", FilterField::kCountry},
    {"revision", FilterField::kRevision},
    {"create_time", FilterField::kCreateTime},
    {"update_time", FilterField::kUpdateTime},
    {"submit_time", FilterField::kSubmitTime},
    {"progress_status", FilterField::kProgressStatus},
};

constexpr FieldSpec kProgressReportFields[] = {
    {"country", FilterField::kCountry},
    {"sector", FilterField::kSector},
    {"reporting_year", FilterField::kReportingYear},
    {"state", FilterField::kReportState},
};

constexpr FieldSpec kProjectFields[] = {
    {"technology", FilterField::kTechnology},
    {"status", FilterField::kProjectStatus},
    {"scale", FilterField::kScale},
    {"sector", FilterField::kSector},
    {"country", FilterField::kCountry},
    {"plan_state", FilterField::kState},
    {"start_year", FilterField::kStartYear},
    {"conditional", FilterField::kConditional},
    {"company", FilterField::kCompany},
};

constexpr FieldSpec kAuditFields[] = {
    {"api_key", FilterField::kApiKey},    {"method", FilterField::kMethod},
    {"resource", FilterField::kResource}, {"code", FilterField::kCode},
    {"time", FilterField::kTime},
};

// The fields one List method filters on.
struct Schema {
  const FieldSpec* begin;
  const FieldSpec* end;

  std::optional<FilterField> Find(absl::string_view name) const {
    for (const FieldSpec* f = begin; f != end; ++f) {
      if (name == f->name) return f->field;
    }
    return std::nullopt;
  }
  std::string Names() const {
    std::vector<absl::string_view> names;
    for (const FieldSpec* f = begin; f != end; ++f) names.push_back(f->name);
    return absl::StrJoin(names, ", ");
  }
};

bool IsOrdered(FilterField f) {
  return f == FilterField::kRevision || f == FilterField::kReportingYear ||
         f == FilterField::kStartYear ||
         f == FilterField::kCreateTime || f == FilterField::kUpdateTime ||
         f == FilterField::kSubmitTime || f == FilterField::kTime;
}

bool IsString(FilterField f) {
  return f == FilterField::kCountry || f == FilterField::kApiKey ||
         f == FilterField::kMethod || f == FilterField::kResource ||
         f == FilterField::kCompany;
}

absl::string_view FieldName(FilterField f) {
  for (const FieldSpec& spec : kPlanFields) {
    if (spec.field == f) return spec.name;
  }
  for (const FieldSpec& spec : kAuditFields) {
    if (spec.field == f) return spec.name;
  }
  for (const FieldSpec& spec : kProgressReportFields) {
    if (spec.field == f) return spec.name;
  }
  for (const FieldSpec& spec : kProjectFields) {
    if (spec.field == f) return spec.name;
  }
  return "";
}

absl::string_view OpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "";
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, Schema schema)
      : tokens_(std::move(tokens)), schema_(schema) {}

  absl::StatusOr<FilterExpr> Parse() {
    auto expr = Expression(0);
    if (!expr.ok()) return expr;
    if (Peek().kind != Token::Kind::kEnd) {
      return FilterError(Peek().pos,
                         absl::StrCat("unexpected '", Peek().text, "'."));
    }
    return expr;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool PeekKeyword(absl::string_view kw) const {
    return Peek().kind == Token::Kind::kWord && Peek().text == kw;
  }

  static FilterExpr Combine(FilterExpr::Kind kind,
                            std::vector<FilterExpr> parts) {
    if (parts.size() == 1) return std::move(parts[0]);
    FilterExpr e;
    e.kind = kind;
    e.children = std::move(parts);
    return e;
  }

  absl::StatusOr<FilterExpr> Expression(int depth) {
    if (depth > kMaxDepth) {
      return FilterError(Peek().pos, "the filter is nested too deeply.");
    }
    std::vector<FilterExpr> parts;
    while (true) {
      auto seq = Sequence(depth);
      if (!seq.ok()) return seq;
      parts.push_back(*std::move(seq));
      if (!PeekKeyword("AND")) break;
      ++pos_;
    }
    return Combine(FilterExpr::Kind::kAnd, std::move(parts));
  }

  bool StartsTerm() const {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kLParen || t.kind == Token::Kind::kMinus) {
      return true;
    }
    return t.kind == Token::Kind::kWord && t.text != "AND" && t.text != "OR";
  }

  absl::StatusOr<FilterExpr> Sequence(int depth) {
    std::vector<FilterExpr> parts;
    do {
      auto factor = Factor(depth);
      if (!factor.ok()) return factor;
      parts.push_back(*std::move(factor));
    } while (StartsTerm());
    return Combine(FilterExpr::Kind::kAnd, std::move(parts));
  }

  absl::StatusOr<FilterExpr> Factor(int depth) {
    std::vector<FilterExpr> parts;
    while (true) {
      auto term = Term(depth);
      if (!term.ok()) return term;
      parts.push_back(*std::move(term));
      if (!PeekKeyword("OR")) break;
      ++pos_;
    }
    return Combine(FilterExpr::Kind::kOr, std::move(parts));
  }

  absl::StatusOr<FilterExpr> Term(int depth) {
    bool negate = false;
    if (PeekKeyword("NOT") || Peek().kind == Token::Kind::kMinus) {
      negate = true;
      ++pos_;
    }
    absl::StatusOr<FilterExpr> inner;
    if (Peek().kind == Token::Kind::kLParen) {
      size_t open = Peek().pos;
      ++pos_;
      inner = Expression(depth + 1);
      if (!inner.ok()) return inner;
      if (Peek().kind != Token::Kind::kRParen) {
        return FilterError(open, "'(' has no matching ')'.");
      }
      ++pos_;
    } else {
      inner = Comparison();
      if (!inner.ok()) return inner;
    }
    if (!negate) return inner;
    FilterExpr e;
    e.kind = FilterExpr::Kind::kNot;
    e.children.push_back(*std::move(inner));
    return e;
  }

  absl::StatusOr<FilterExpr> Comparison() {
    const Token field_token = Peek();
    if (field_token.kind != Token::Kind::kWord) {
      return FilterError(field_token.pos,
                         field_token.kind == Token::Kind::kEnd
                             ? std::string("expected a comparison, found the "
                                           "end of the filter.")
                             : absl::StrCat("expected a field name, found '",
                                            field_token.text, "'."));
    }
    std::optional<FilterField> field = schema_.Find(field_token.text);
    if (!field) {
      return FilterError(
          field_token.pos,
          absl::StrCat("unknown field '", field_token.text,
                       "'; filterable fields are ", schema_.Names(), "."));
    }
    ++pos_;
    const Token op_token = Peek();
    if (op_token.kind != Token::Kind::kOp) {
      return FilterError(op_token.pos,
                         absl::StrCat("expected a comparison operator after '",
                                      field_token.text, "'."));
    }
    ++pos_;
    const Token value = Peek();
    if (value.kind != Token::Kind::kWord &&
        value.kind != Token::Kind::kString) {
      return FilterError(
          value.pos, absl::StrCat("expected a value after '", field_token.text,
                                  " ", op_token.text, "'."));
    }
    ++pos_;
    if (++comparisons_ > kMaxFilterComparisons) {
      return FilterError(field_token.pos,
                         absl::StrCat("a filter may hold at most ",
                                      kMaxFilterComparisons, " comparisons."));
    }

    FilterExpr e;
    e.field = *field;
    const std::string& op = op_token.text;
    e.op = op == "="    ? CompareOp::kEq
           : op == "!=" ? CompareOp::kNe
           : op == "<"  ? CompareOp::kLt
           : op == "<=" ? CompareOp::kLe
           : op == ">"  ? CompareOp::kGt
                        : CompareOp::kGe;
    if (!IsOrdered(*field) && e.op != CompareOp::kEq &&
        e.op != CompareOp::kNe) {
      return FilterError(
          op_token.pos,
          absl::StrCat("'", field_token.text, "' supports only = and !=."));
    }
    switch (*field) {
      case FilterField::kState: {
        itp::v1::Plan::State state;
        if (!itp::v1::Plan::State_Parse(value.text, &state) ||
            state == itp::v1::Plan::STATE_UNSPECIFIED) {
          return FilterError(
              value.pos,
              absl::StrCat("'", value.text,
                           "' is not a plan state; use DRAFT, SUBMITTED, "
                           "IN_REVIEW, CHANGES_REQUESTED, APPROVED, REJECTED "
                           "or WITHDRAWN."));
        }
        e.int_value = state;
        break;
      }
      case FilterField::kReportState: {
        itp::v1::ProgressReport::State state;
        if (!itp::v1::ProgressReport::State_Parse(value.text, &state) ||
            state == itp::v1::ProgressReport::STATE_UNSPECIFIED) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not a report state; use "
                                          "DRAFT, PUBLISHED or SUPERSEDED."));
        }
        e.int_value = state;
        break;
      }
      case FilterField::kProgressStatus: {
        itp::v1::ProgressStatus status;
        if (value.text == "NOT_REPORTED") {
          e.int_value = 0;
        } else if (itp::v1::ProgressStatus_Parse(value.text, &status) &&
                   status != itp::v1::PROGRESS_STATUS_UNSPECIFIED) {
          e.int_value = status;
        } else {
          return FilterError(
              value.pos,
              absl::StrCat("'", value.text,
                           "' is not a progress status; use ON_TRACK, "
                           "MORE_EFFORT_NEEDED, NOT_ON_TRACK, NOT_ASSESSED or "
                           "NOT_REPORTED."));
        }
        break;
      }
      case FilterField::kTechnology: {
        itp::v1::Project::Technology t;
        if (!itp::v1::Project::Technology_Parse(value.text, &t) ||
            t == itp::v1::Project::TECHNOLOGY_UNSPECIFIED) {
          return FilterError(
              value.pos,
              absl::StrCat("'", value.text,
                           "' is not a technology; use NATURAL_GAS_DRI, "
                           "HYDROGEN_DRI, HYDROGEN_PRODUCTION, "
                           "ELECTRIC_ARC_FURNACE, CARBON_CAPTURE, "
                           "CALCINED_CLAY, ELECTRIFICATION, "
                           "ALTERNATIVE_FUELS, ENERGY_EFFICIENCY or "
                           "OTHER_TECHNOLOGY."));
        }
        e.int_value = t;
        break;
      }
      case FilterField::kProjectStatus: {
        itp::v1::TrackedProject::Status st;
        if (!itp::v1::TrackedProject::Status_Parse(value.text, &st) ||
            st == itp::v1::TrackedProject::STATUS_UNSPECIFIED) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not a project status; use "
                                          "ANNOUNCED, UNDER_CONSTRUCTION, "
                                          "OPERATING, DELAYED or "
                                          "CANCELLED."));
        }
        e.int_value = st;
        break;
      }
      case FilterField::kScale: {
        itp::v1::Project::Scale sc;
        if (!itp::v1::Project::Scale_Parse(value.text, &sc) ||
            sc == itp::v1::Project::SCALE_UNSPECIFIED) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not a scale; use RESEARCH, "
                                          "PILOT, DEMONSTRATION or "
                                          "FULL_SCALE."));
        }
        e.int_value = sc;
        break;
      }
      case FilterField::kStartYear:
        if (!absl::SimpleAtoi(value.text, &e.int_value) || e.int_value < 0 ||
            e.int_value > 2100) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not a year up to 2100."));
        }
        break;
      case FilterField::kConditional:
        if (value.text != "true" && value.text != "false") {
          return FilterError(
              value.pos,
              absl::StrCat("'", value.text, "' is not true or false."));
        }
        e.int_value = value.text == "true" ? 1 : 0;
        break;
      case FilterField::kCompany:
        if (value.text.empty() || value.text.size() > 200) {
          return FilterError(value.pos,
                             "'company' needs a value of 1 to 200 "
                             "characters.");
        }
        e.string_value = value.text;
        break;
      case FilterField::kReportingYear:
        if (!absl::SimpleAtoi(value.text, &e.int_value) || e.int_value < 1990 ||
            e.int_value > 2100) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not a year from 1990 to "
                                          "2100."));
        }
        break;
      case FilterField::kSector: {
        itp::v1::Sector sector;
        if (!itp::v1::Sector_Parse(value.text, &sector) ||
            sector == itp::v1::SECTOR_UNSPECIFIED) {
          return FilterError(
              value.pos,
              absl::StrCat("'", value.text,
                           "' is not a sector; use IRON_AND_STEEL, CEMENT, "
                           "ALUMINIUM, CHEMICALS, AMMONIA, REFINING, "
                           "PULP_AND_PAPER or GLASS."));
        }
        e.int_value = sector;
        break;
      }
      case FilterField::kCountry:
        if (!IsIsoAlpha3Country(value.text)) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not an ISO 3166-1 alpha-3 "
                                          "country code."));
        }
        e.string_value = value.text;
        break;
      case FilterField::kRevision:
        if (!absl::SimpleAtoi(value.text, &e.int_value) || e.int_value < 0) {
          return FilterError(
              value.pos,
              absl::StrCat("'", value.text, "' is not a revision number."));
        }
        break;
      case FilterField::kApiKey:
      case FilterField::kMethod:
      case FilterField::kResource:
        if (value.text.empty() || value.text.size() > 1000) {
          return FilterError(value.pos,
                             absl::StrCat("'", field_token.text,
                                          "' needs a value of 1 to 1000 "
                                          "characters."));
        }
        e.string_value = value.text;
        break;
      case FilterField::kCode: {
        int code = -1;
        for (int i = 0; i < kCanonicalCodeCount; ++i) {
          if (value.text == CanonicalCodeName(i)) code = i;
        }
        if (code < 0) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not a status code name such "
                                          "as OK or PERMISSION_DENIED."));
        }
        e.int_value = code;
        break;
      }
      case FilterField::kCreateTime:
      case FilterField::kUpdateTime:
      case FilterField::kSubmitTime:
      case FilterField::kTime: {
        absl::Time t;
        std::string err;
        if (!absl::ParseTime(absl::RFC3339_full, value.text, &t, &err)) {
          return FilterError(value.pos,
                             absl::StrCat("'", value.text,
                                          "' is not an RFC 3339 time such as "
                                          "\"2026-01-01T00:00:00Z\"."));
        }
        e.int_value = absl::ToUnixMicros(t);
        break;
      }
    }
    return e;
  }

  std::vector<Token> tokens_;
  Schema schema_;
  size_t pos_ = 0;
  int comparisons_ = 0;
};

}  // namespace

std::string FilterExpr::DebugString() const {
  switch (kind) {
    case Kind::kCompare:
      return absl::StrCat(
          FieldName(field), " ", OpName(op), " ",
          IsString(field) ? string_value : absl::StrCat(int_value));
    case Kind::kNot:
      return absl::StrCat("NOT ", children[0].DebugString());
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<std::string> parts;
      for (const FilterExpr& c : children) parts.push_back(c.DebugString());
      return absl::StrCat(
          "(", absl::StrJoin(parts, kind == Kind::kAnd ? " AND " : " OR "),
          ")");
    }
  }
  return "";
}

namespace {

absl::StatusOr<std::optional<FilterExpr>> ParseFilter(absl::string_view filter,
                                                      Schema schema) {
  if (filter.size() > kMaxFilterLength) {
    return InvalidField(
        "filter",
        absl::StrCat("must be at most ", kMaxFilterLength, " characters."));
  }
  if (absl::StripAsciiWhitespace(filter).empty()) {
    return std::optional<FilterExpr>();
  }
  auto tokens = Tokenize(filter);
  if (!tokens.ok()) return tokens.status();
  Parser parser(*std::move(tokens), schema);
  auto expr = parser.Parse();
  if (!expr.ok()) return expr.status();
  return std::optional<FilterExpr>(*std::move(expr));
}

}  // namespace

absl::StatusOr<std::optional<FilterExpr>> ParsePlanFilter(
    absl::string_view filter) {
  return ParseFilter(filter,
                     Schema{std::begin(kPlanFields), std::end(kPlanFields)});
}

absl::StatusOr<std::optional<FilterExpr>> ParseAuditFilter(
    absl::string_view filter) {
  return ParseFilter(filter,
                     Schema{std::begin(kAuditFields), std::end(kAuditFields)});
}

absl::StatusOr<std::optional<FilterExpr>> ParseProgressReportFilter(
    absl::string_view filter) {
  return ParseFilter(filter, Schema{std::begin(kProgressReportFields),
                                    std::end(kProgressReportFields)});
}

absl::StatusOr<std::optional<FilterExpr>> ParseProjectFilter(
    absl::string_view filter) {
  return ParseFilter(filter, Schema{std::begin(kProjectFields),
                                    std::end(kProjectFields)});
}

absl::StatusOr<SortOrder> ParseSortOrder(
    absl::string_view order_by, const std::vector<absl::string_view>& fields) {
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, ' ', absl::SkipWhitespace());
  SortOrder order;
  if (words.empty()) return order;
  bool ok = words.size() <= 2;
  if (ok && words.size() == 2) {
    if (words[1] == "desc") {
      order.descending = true;
    } else if (words[1] != "asc") {
      ok = false;
    }
  }
  if (ok) {
    ok = false;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (words[0] == fields[i]) {
        order.field = static_cast<int>(i);
        ok = true;
      }
    }
  }
  if (!ok) {
    return InvalidField(
        "order_by",
        absl::StrCat("'", order_by.substr(0, 100),
                     "' is not supported; use one of ",
                     absl::StrJoin(fields, ", "),
                     ", optionally followed by ' desc'."));
  }
  return order;
}

absl::StatusOr<PlanOrder> ParsePlanOrder(absl::string_view order_by) {
  // In the order of PlanOrder::Field.
  auto order = ParseSortOrder(
      order_by, {"name", "create_time", "update_time", "submit_time"});
  if (!order.ok()) return order.status();
  return PlanOrder{static_cast<PlanOrder::Field>(order->field),
                   order->descending};
}

std::optional<FilterExpr> AndFilters(std::optional<FilterExpr> a,
                                     std::optional<FilterExpr> b) {
  if (!a) return b;
  if (!b) return a;
  FilterExpr both;
  both.kind = FilterExpr::Kind::kAnd;
  both.children.push_back(*std::move(a));
  both.children.push_back(*std::move(b));
  return both;
}

FilterExpr HasSubmittedRevision() {
  FilterExpr e;
  e.field = FilterField::kRevision;
  e.op = CompareOp::kGe;
  e.int_value = 1;
  return e;
}

FilterExpr HasSector(int sector) {
  FilterExpr e;
  e.field = FilterField::kSector;
  e.op = CompareOp::kEq;
  e.int_value = sector;
  return e;
}

}  // namespace itp::domain
