#include "server/domain/open_data.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"

namespace itp::domain {
namespace {

using google::protobuf::util::TimeUtil;
using itp::v1::BenchmarkReport;
using itp::v1::Plan;
using itp::v1::ProgressReport;
using itp::v1::Project;
using itp::v1::TrackedProject;

using Row = std::vector<std::string>;

struct Field {
  const char* name;
  // Table Schema type: string, integer, number, boolean, datetime.
  const char* type;
  const char* description;
  bool required = false;
};

struct ForeignKey {
  std::vector<std::string> fields;
  std::string resource;
  std::vector<std::string> reference;
};

struct Table {
  std::string name;
  std::string title;
  std::string description;
  std::vector<Field> fields;
  std::vector<std::string> primary_key;
  std::vector<ForeignKey> foreign_keys;
  std::vector<Row> rows;
};

// --- cell values -----------------------------------------------------------

std::string Num(double v) { return FormatNumber(v); }
std::string OptNum(bool has, double v) { return has ? FormatNumber(v) : ""; }
std::string Int(int64_t v) { return absl::StrCat(v); }
// A year or count where 0 means "not stated".
std::string OptInt(int64_t v) { return v == 0 ? "" : absl::StrCat(v); }
std::string Bool(bool v) { return v ? "true" : "false"; }

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

// An enum value's name, empty for the zero value.
template <typename E>
std::string EnumName(E value, const std::string& (*name)(E)) {
  return static_cast<int>(value) == 0 ? "" : name(value);
}

std::string SectorName(itp::v1::Sector s) {
  return static_cast<int>(s) == 0 ? "" : itp::v1::Sector_Name(s);
}

// --- JSON ------------------------------------------------------------------

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& i : items) quoted.push_back(JsonString(i));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

std::string Indent(int n) { return std::string(static_cast<size_t>(n), ' '); }

std::string SchemaJson(const Table& t, int in) {
  std::string out = absl::StrCat("{\n", Indent(in + 2), "\"fields\": [\n");
  for (size_t i = 0; i < t.fields.size(); ++i) {
    const Field& f = t.fields[i];
    absl::StrAppend(&out, Indent(in + 4), "{\"name\": ", JsonString(f.name),
                    ", \"type\": ", JsonString(f.type),
                    ", \"description\": ", JsonString(f.description));
    if (f.required) absl::StrAppend(&out, ", \"constraints\": {\"required\": true}");
    absl::StrAppend(&out, "}", i + 1 < t.fields.size() ? "," : "", "\n");
  }
  absl::StrAppend(&out, Indent(in + 2), "],\n", Indent(in + 2),
                  "\"missingValues\": [\"\"],\n", Indent(in + 2),
                  "\"primaryKey\": ", JsonList(t.primary_key));
  if (!t.foreign_keys.empty()) {
    absl::StrAppend(&out, ",\n", Indent(in + 2), "\"foreignKeys\": [\n");
    for (size_t i = 0; i < t.foreign_keys.size(); ++i) {
      const ForeignKey& k = t.foreign_keys[i];
      absl::StrAppend(&out, Indent(in + 4),
                      "{\"fields\": ", JsonList(k.fields),
                      ", \"reference\": {\"resource\": ", JsonString(k.resource),
                      ", \"fields\": ", JsonList(k.reference), "}}",
                      i + 1 < t.foreign_keys.size() ? "," : "", "\n");
    }
    absl::StrAppend(&out, Indent(in + 2), "]");
  }
  absl::StrAppend(&out, "\n", Indent(in), "}");
  return out;
}

// --- CSV -------------------------------------------------------------------

std::string Csv(const Table& t) {
  std::string out;
  std::vector<std::string> header;
  for (const Field& f : t.fields) header.push_back(CsvField(f.name));
  absl::StrAppend(&out, absl::StrJoin(header, ","), "\n");
  for (const Row& row : t.rows) {
    std::vector<std::string> cells;
    for (const std::string& c : row) cells.push_back(CsvField(c));
    absl::StrAppend(&out, absl::StrJoin(cells, ","), "\n");
  }
  return out;
}

// --- tables ----------------------------------------------------------------

const ForeignKey kToPlan{{"plan"}, "plans", {"plan"}};
const ForeignKey kToReport{{"report"}, "benchmark_reports", {"report"}};

std::vector<Table> EmptyTables() {
  std::vector<Table> t(13);
  t[0] = {"plans",
          "Approved plans",
          "One row per APPROVED plan, at its approved revision.",
          {{"plan", "string",
            "Resource name, countries/{ISO 3166-1 alpha-3}/plans/{id}", true},
           {"country", "string", "ISO 3166-1 alpha-3 code", true},
           {"display_name", "string", "Title", true},
           {"submitting_body", "string", "Who submitted the plan"},
           {"revision", "integer", "Number of the approved revision", true},
           {"plan_revision", "string", "Resource name of the approved revision",
            true},
           {"submit_time", "datetime", "When the revision was submitted (UTC)"},
           {"lead_institution", "string", "Institution accountable for the plan"},
           {"reporting_cadence", "string", "ANNUAL, BIENNIAL or OTHER_CADENCE"},
           {"summary", "string", "Summary of the plan"}},
          {"plan"},
          {},
          {}};
  t[1] = {"sector_pathways",
          "Sector pathways",
          "The emissions trajectory of each sector of each plan.",
          {{"plan", "string", "The plan (plans.plan)", true},
           {"sector", "string", "IRON_AND_STEEL, CEMENT, ALUMINIUM, ...", true},
           {"intensity_unit", "string",
            "Unit of the intensity figures as the plan states it"},
           {"scope_boundary", "string", "SCOPE_1 or SCOPE_1_AND_2"},
           {"base_year", "integer", "Base year of the pathway"}},
          {"plan", "sector"},
          {kToPlan},
          {}};
  t[2] = {"pathway_points",
          "Pathway points",
          "Yearly figures of each sector pathway.",
          {{"plan", "string", "The plan (plans.plan)", true},
           {"sector", "string", "The sector (sector_pathways.sector)", true},
           {"year", "integer", "Calendar year", true},
           {"production_mt", "number",
            "Production (unit: million tonnes of product, Mt)"},
           {"intensity_tco2_per_t", "number",
            "Emissions intensity (unit: t CO2 per t of product)"},
           {"emissions_mtco2", "number", "Emissions (unit: Mt CO2)"}},
          {"plan", "sector", "year"},
          {{{"plan", "sector"}, "sector_pathways", {"plan", "sector"}}},
          {}};
  t[3] = {"targets",
          "Targets",
          "Climate targets of each plan, in the plan's order.",
          {{"plan", "string", "The plan (plans.plan)", true},
           {"target", "integer", "Position in the plan, from 1", true},
           {"type", "string",
            "ABSOLUTE, BASE_YEAR_REDUCTION, BAU_REDUCTION, INTENSITY, "
            "FIXED_LEVEL or NET_ZERO"},
           {"sector", "string", "Sector covered; empty for the whole industry"},
           {"reduction_percent", "number", "Reduction (unit: percent)"},
           {"base_year", "integer", "Base year"},
           {"target_year", "integer", "Year by which the target is met"},
           {"target_value", "number",
            "ABSOLUTE: emissions (unit: Mt CO2); FIXED_LEVEL: intensity "
            "(unit: t CO2 per t)"},
           {"coverage", "string", "What the target covers"},
           {"conditional", "boolean",
            "Whether it depends on international support"},
           {"legal_status", "string",
            "IN_LAW, POLICY_DOCUMENT, PROPOSED or DECLARATION"},
           {"source_uri", "string", "Where the target is published"}},
          {"plan", "target"},
          {kToPlan},
          {}};
  t[4] = {"projects",
          "Low-carbon projects",
          "The projects of each plan, as the investment tracker holds them; "
          "status from the plan's latest published progress report when it "
          "has an update.",
          {{"project", "string",
            "Resource name, {plan}/projects/{project_id}", true},
           {"plan", "string", "The plan (plans.plan)", true},
           {"project_id", "string", "Stable id within the plan", true},
           {"project_name", "string", "Name", true},
           {"company", "string", "Company"},
           {"site", "string", "Site"},
           {"sector", "string", "Sector"},
           {"technology", "string",
            "HYDROGEN_DRI, ELECTRIC_ARC_FURNACE, CARBON_CAPTURE, ..."},
           {"technology_detail", "string", "The specific technology"},
           {"scale", "string", "RESEARCH, PILOT, DEMONSTRATION or FULL_SCALE"},
           {"planned_status", "string", "Status as the plan states it"},
           {"status", "string",
            "ANNOUNCED, UNDER_CONSTRUCTION, OPERATING, DELAYED or CANCELLED"},
           {"status_source", "string", "PLAN or PROGRESS_REPORT"},
           {"start_year", "integer", "Planned start year"},
           {"actual_start_year", "integer", "Year it started operating"},
           {"capacity_mtpa", "number",
            "Capacity (unit: million tonnes of product per year, Mt/yr)"},
           {"capex_usd", "number", "Capital cost (unit: US dollars)"},
           {"capital_spent_usd", "number",
            "Capital spent to date by the latest progress report (unit: US "
            "dollars)"},
           {"finance_source", "string", "Where the money comes from"},
           {"conditional", "boolean",
            "Whether it depends on international support"}},
          {"project"},
          {kToPlan},
          {}};
  t[5] = {"policies",
          "Policy instruments",
          "Policy instruments each plan relies on, in the plan's order.",
          {{"plan", "string", "The plan (plans.plan)", true},
           {"policy", "integer", "Position in the plan, from 1", true},
           {"type", "string",
            "CARBON_PRICING, STANDARD_OR_TAXONOMY, GREEN_PUBLIC_PROCUREMENT, "
            "SUBSIDY, RESEARCH_PROGRAMME or OTHER_INSTRUMENT"},
           {"name", "string", "Name", true},
           {"status", "string", "PLANNED, ADOPTED or IN_FORCE"},
           {"start_year", "integer", "Year it takes or took effect"},
           {"source_uri", "string", "Where it is published"},
           {"description", "string", "Description"}},
          {"plan", "policy"},
          {kToPlan},
          {}};
  t[6] = {"finance",
          "Finance needs",
          "Investment each plan needs, for the plans that state it.",
          {{"plan", "string", "The plan (plans.plan)", true},
           {"total_need_usd", "number", "Total need (unit: US dollars)"},
           {"domestic_usd", "number",
            "Expected from domestic sources (unit: US dollars)"},
           {"international_usd", "number",
            "Expected from international sources (unit: US dollars)"},
           {"conditional_usd", "number",
            "Conditional on international support (unit: US dollars)"},
           {"period", "string", "Period the figures cover"}},
          {"plan"},
          {kToPlan},
          {}};
  t[7] = {"benchmark_reports",
          "Benchmark reports",
          "The newest benchmark report of each plan's approved revision.",
          {{"report", "string", "Resource name of the report", true},
           {"plan", "string", "The plan (plans.plan)", true},
           {"plan_revision", "string", "The revision benchmarked", true},
           {"methodology_version", "string", "Version of the formulas", true},
           {"create_time", "datetime", "When the report was made (UTC)"},
           {"identified_usd", "number",
            "Capital of the plan's non-cancelled projects (unit: US dollars)"},
           {"need_usd", "number", "The plan's stated need (unit: US dollars)"},
           {"coverage_ratio", "number", "identified_usd / need_usd"}},
          {"report"},
          {kToPlan},
          {}};
  t[8] = {"benchmark_gaps",
          "Benchmark gaps",
          "The plan's intensity against each pathway at each checkpoint year.",
          {{"report", "string", "The report (benchmark_reports.report)", true},
           {"sector", "string", "Sector", true},
           {"pathway", "string", "Reference pathway, pathways/{id}", true},
           {"year", "integer", "Checkpoint year", true},
           {"plan_intensity", "number",
            "The plan's intensity (unit: t CO2 per t)"},
           {"pathway_intensity", "number",
            "The pathway's intensity (unit: t CO2 per t)"},
           {"gap", "number",
            "plan_intensity - pathway_intensity; positive is above the "
            "pathway (unit: t CO2 per t)"}},
          {"report", "sector", "pathway", "year"},
          {kToReport},
          {}};
  t[9] = {"benchmark_labels",
          "TPI alignment labels",
          "The most stringent scenario of each pathway family the plan meets "
          "or beats, per year.",
          {{"report", "string", "The report (benchmark_reports.report)", true},
           {"sector", "string", "Sector", true},
           {"family", "string", "Pathway family, e.g. TPI 2022", true},
           {"year", "integer", "Year", true},
           {"label", "string", "Scenario name, or Not Aligned", true},
           {"aligned", "boolean", "Whether any scenario is met", true}},
          {"report", "sector", "family", "year"},
          {kToReport},
          {}};
  t[10] = {"benchmark_pathways",
           "Cumulative emissions and implied temperature",
           "Per pathway: the plan's cumulative emissions from the base year "
           "to 2050 against the pathway's budget, and the indicative implied "
           "temperature rise.",
           {{"report", "string", "The report (benchmark_reports.report)", true},
            {"sector", "string", "Sector", true},
            {"pathway", "string", "Reference pathway, pathways/{id}", true},
            {"family", "string", "Pathway family"},
            {"scenario", "string", "Scenario"},
            {"plan_mtco2", "number",
             "The plan's cumulative emissions (unit: Mt CO2)"},
            {"budget_mtco2", "number",
             "The budget at the pathway's intensity (unit: Mt CO2)"},
            {"overshoot_ratio", "number", "plan_mtco2 / budget_mtco2"},
            {"implied_temperature_c", "number",
             "Indicative implied temperature rise (unit: degrees C)"}},
           {"report", "sector", "pathway"},
           {kToReport},
           {}};
  t[11] = {"progress_reports",
           "Progress reports",
           "The current published version of each reporting year.",
           {{"progress_report", "string",
             "Resource name, {plan}/progressReports/{year}", true},
            {"plan", "string", "The plan (plans.plan)", true},
            {"reporting_year", "integer", "The year reported on", true},
            {"version", "integer", "Version (1, then corrections)", true},
            {"plan_revision", "string", "The revision reported against"},
            {"publish_time", "datetime", "When it was published (UTC)"},
            {"narrative", "string", "Narrative"}},
           {"progress_report"},
           {kToPlan},
           {}};
  t[12] = {"progress_actuals",
           "Progress actuals",
           "The actual figures of each published progress report.",
           {{"progress_report", "string",
             "The report (progress_reports.progress_report)", true},
            {"sector", "string", "Sector", true},
            {"year", "integer", "Calendar year", true},
            {"production_mt", "number",
             "Production (unit: million tonnes of product, Mt)"},
            {"intensity_tco2_per_t", "number",
             "Emissions intensity (unit: t CO2 per t of product)"},
            {"emissions_mtco2", "number", "Emissions (unit: Mt CO2)"}},
           {"progress_report", "sector", "year"},
           {{{"progress_report"}, "progress_reports", {"progress_report"}}},
           {}};
  return t;
}

void AddPlan(const OpenDataPlan& in, std::vector<Table>& t) {
  const Plan& plan = in.revision.plan();
  const std::string& name = in.plan.name();
  t[0].rows.push_back(
      {name, in.plan.country(), plan.display_name(), plan.submitting_body(),
       Int(in.revision.revision()), in.revision.name(),
       Time(in.plan.submit_time()), plan.governance().lead_institution(),
       EnumName(plan.governance().reporting_cadence(),
                &itp::v1::Governance::ReportingCadence_Name),
       plan.summary()});
  // Sectors by sector, points by year (strictly increasing already).
  std::vector<const itp::v1::SectorPathway*> sectors;
  for (const auto& s : plan.sectors()) sectors.push_back(&s);
  std::sort(sectors.begin(), sectors.end(),
            [](auto* a, auto* b) { return a->sector() < b->sector(); });
  for (const auto* s : sectors) {
    t[1].rows.push_back(
        {name, SectorName(s->sector()), s->intensity_unit(),
         EnumName(s->scope_boundary(),
                  &itp::v1::SectorPathway::ScopeBoundary_Name),
         OptInt(s->base_year())});
    for (const auto& p : s->points()) {
      t[2].rows.push_back(
          {name, SectorName(s->sector()), Int(p.year()),
           OptNum(p.has_production_mt(), p.production_mt()),
           OptNum(p.has_intensity_tco2_per_t(), p.intensity_tco2_per_t()),
           OptNum(p.has_emissions_mtco2(), p.emissions_mtco2())});
    }
  }
  for (int i = 0; i < plan.targets_size(); ++i) {
    const auto& g = plan.targets(i);
    t[3].rows.push_back(
        {name, Int(i + 1), EnumName(g.type(), &itp::v1::Target::Type_Name),
         SectorName(g.sector()),
         OptNum(g.has_reduction_percent(), g.reduction_percent()),
         OptInt(g.base_year()), OptInt(g.target_year()),
         OptNum(g.has_target_value(), g.target_value()), g.coverage(),
         Bool(g.conditional()),
         EnumName(g.legal_status(), &itp::v1::Target::LegalStatus_Name),
         g.source_uri()});
  }
  for (const TrackedProject& tp : in.projects) {
    const Project& p = tp.project();
    t[4].rows.push_back(
        {tp.name(), name, p.project_id(), p.name(), p.company(), p.site(),
         SectorName(tp.sector()),
         EnumName(p.technology(), &Project::Technology_Name),
         p.technology_detail(), EnumName(p.scale(), &Project::Scale_Name),
         EnumName(p.status(), &Project::Status_Name),
         EnumName(tp.status(), &TrackedProject::Status_Name),
         EnumName(tp.status_source(), &TrackedProject::StatusSource_Name),
         OptInt(p.start_year()), OptInt(tp.actual_start_year()),
         OptNum(p.has_capacity_mtpa(), p.capacity_mtpa()),
         OptNum(p.has_capex_usd(), p.capex_usd()),
         OptNum(tp.has_capital_spent_usd(), tp.capital_spent_usd()),
         p.finance_source(), Bool(p.conditional())});
  }
  for (int i = 0; i < plan.policies_size(); ++i) {
    const auto& p = plan.policies(i);
    t[5].rows.push_back(
        {name, Int(i + 1),
         EnumName(p.type(), &itp::v1::PolicyInstrument::Type_Name), p.name(),
         EnumName(p.status(), &itp::v1::PolicyInstrument::Status_Name),
         OptInt(p.start_year()), p.source_uri(), p.description()});
  }
  if (plan.has_finance()) {
    const auto& f = plan.finance();
    t[6].rows.push_back(
        {name, OptNum(f.has_total_need_usd(), f.total_need_usd()),
         OptNum(f.has_domestic_usd(), f.domestic_usd()),
         OptNum(f.has_international_usd(), f.international_usd()),
         OptNum(f.has_conditional_usd(), f.conditional_usd()), f.period()});
  }
  if (in.report) {
    const BenchmarkReport& r = *in.report;
    const auto& fin = r.finance();
    t[7].rows.push_back(
        {r.name(), name, r.plan_revision(), r.methodology_version(),
         Time(r.create_time()), Num(fin.identified_usd()),
         fin.need_usd() == 0 ? "" : Num(fin.need_usd()),
         OptNum(fin.has_coverage_ratio(), fin.coverage_ratio())});
    std::vector<const itp::v1::SectorBenchmark*> sb;
    for (const auto& s : r.sectors()) sb.push_back(&s);
    std::sort(sb.begin(), sb.end(),
              [](auto* a, auto* b) { return a->sector() < b->sector(); });
    for (const auto* s : sb) {
      const std::string sector = SectorName(s->sector());
      std::vector<const itp::v1::PathwayResult*> results;
      for (const auto& pr : s->pathways()) results.push_back(&pr);
      std::sort(results.begin(), results.end(), [](auto* a, auto* b) {
        return a->pathway() < b->pathway();
      });
      for (const auto* pr : results) {
        std::vector<const itp::v1::CheckpointGap*> gaps;
        for (const auto& g : pr->gaps()) gaps.push_back(&g);
        std::sort(gaps.begin(), gaps.end(),
                  [](auto* a, auto* b) { return a->year() < b->year(); });
        for (const auto* g : gaps) {
          t[8].rows.push_back({r.name(), sector, pr->pathway(), Int(g->year()),
                               Num(g->plan_intensity()),
                               Num(g->pathway_intensity()), Num(g->gap())});
        }
        const bool has_cumulative = pr->has_cumulative();
        const bool has_itr = pr->has_implied_temperature();
        t[10].rows.push_back(
            {r.name(), sector, pr->pathway(), pr->family(), pr->scenario(),
             has_cumulative ? Num(pr->cumulative().plan_mtco2()) : "",
             has_cumulative ? Num(pr->cumulative().budget_mtco2()) : "",
             has_cumulative ? Num(pr->cumulative().overshoot_ratio()) : "",
             has_itr ? Num(pr->implied_temperature().itr_c()) : ""});
      }
      std::vector<const itp::v1::AlignmentLabel*> labels;
      for (const auto& l : s->labels()) labels.push_back(&l);
      std::sort(labels.begin(), labels.end(), [](auto* a, auto* b) {
        return std::make_pair(a->family(), a->year()) <
               std::make_pair(b->family(), b->year());
      });
      for (const auto* l : labels) {
        t[9].rows.push_back({r.name(), sector, l->family(), Int(l->year()),
                             l->label(), Bool(l->aligned())});
      }
    }
  }
  std::vector<const ProgressReport*> progress;
  for (const auto& p : in.progress) progress.push_back(&p);
  std::sort(progress.begin(), progress.end(), [](auto* a, auto* b) {
    return a->reporting_year() < b->reporting_year();
  });
  for (const ProgressReport* p : progress) {
    t[11].rows.push_back({p->name(), name, Int(p->reporting_year()),
                          Int(p->version()), p->plan_revision(),
                          Time(p->publish_time()), p->narrative()});
    std::vector<const itp::v1::SectorActuals*> sectors;
    for (const auto& s : p->sectors()) sectors.push_back(&s);
    std::sort(sectors.begin(), sectors.end(),
              [](auto* a, auto* b) { return a->sector() < b->sector(); });
    for (const auto* s : sectors) {
      for (const auto& pt : s->points()) {
        t[12].rows.push_back(
            {p->name(), SectorName(s->sector()), Int(pt.year()),
             OptNum(pt.has_production_mt(), pt.production_mt()),
             OptNum(pt.has_intensity_tco2_per_t(), pt.intensity_tco2_per_t()),
             OptNum(pt.has_emissions_mtco2(), pt.emissions_mtco2())});
      }
    }
  }
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

std::string Descriptor(const OpenDataInput& input,
                       const std::vector<Table>& tables) {
  // The latest change to anything exported, so that unchanged data gives
  // the same bytes.
  int64_t latest = 0;
  std::set<std::string> methodologies;
  std::set<std::string> releases;
  std::vector<std::pair<std::string, std::string>> sources;  // title, path
  for (const OpenDataPlan& p : input.plans) {
    latest = std::max(latest, Micros(p.plan.update_time()));
    if (p.report) {
      latest = std::max(latest, Micros(p.report->create_time()));
      methodologies.insert(p.report->methodology_version());
      for (const auto& r : p.report->pathway_releases()) releases.insert(r);
    }
    for (const auto& r : p.progress) {
      latest = std::max(latest, Micros(r.publish_time()));
    }
    const Plan& content = p.revision.plan();
    sources.emplace_back(
        absl::StrCat(content.submitting_body().empty()
                         ? p.plan.name()
                         : content.submitting_body(),
                     ": ", content.display_name(), " (", p.revision.name(),
                     ")"),
        "");
  }
  std::set<std::string> pathway_sources;
  for (const auto& pw : input.pathways) {
    if (!pw.source().empty()) {
      pathway_sources.insert(absl::StrCat(pw.source(), " (released ",
                                          pw.release_date(), ")"));
    }
  }
  for (const std::string& s : pathway_sources) sources.emplace_back(s, "");
  if (sources.empty()) {
    sources.emplace_back(
        "Industry Transition Plan service (ITP) of the Leadership Group for "
        "Industry Transition",
        "");
  }
  const std::string created =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                       absl::FromUnixMicros(latest), absl::UTCTimeZone());

  std::string out = "{\n";
  absl::StrAppend(
      &out, "  \"profile\": \"tabular-data-package\",\n",
      "  \"name\": \"leadit-itp-approved-plans\",\n",
      "  \"title\": \"LeadIT industry transition plans (approved)\",\n",
      "  \"description\": ",
      JsonString(
          "National industry transition plans approved by the LeadIT "
          "secretariat, as held by the Industry Transition Plan service "
          "(ITP): their sector pathways, targets, low-carbon projects, policy "
          "instruments and finance needs, where each stands against "
          "published decarbonisation pathways (TPI, IEA Net Zero), and their "
          "published progress reports. Only APPROVED plans are included."),
      ",\n", "  \"licenses\": [{\"name\": \"CC-BY-4.0\", \"title\": "
             "\"Creative Commons Attribution 4.0\", \"path\": "
             "\"https://creativecommons.org/licenses/by/4.0/\"}],\n",
      "  \"created\": ", JsonString(created), ",\n");
  absl::StrAppend(&out, "  \"sources\": [\n");
  for (size_t i = 0; i < sources.size(); ++i) {
    absl::StrAppend(&out, "    {\"title\": ", JsonString(sources[i].first),
                    "}", i + 1 < sources.size() ? "," : "", "\n");
  }
  absl::StrAppend(
      &out, "  ],\n", "  \"methodology_versions\": ",
      JsonList({methodologies.begin(), methodologies.end()}), ",\n",
      "  \"pathway_releases\": ", JsonList({releases.begin(), releases.end()}),
      ",\n", "  \"resources\": [\n");
  for (size_t i = 0; i < tables.size(); ++i) {
    const Table& t = tables[i];
    absl::StrAppend(
        &out, "    {\n", "      \"name\": ", JsonString(t.name), ",\n",
        "      \"path\": ", JsonString(absl::StrCat("data/", t.name, ".csv")),
        ",\n", "      \"profile\": \"tabular-data-resource\",\n",
        "      \"title\": ", JsonString(t.title), ",\n",
        "      \"description\": ", JsonString(t.description), ",\n",
        "      \"format\": \"csv\",\n", "      \"mediatype\": \"text/csv\",\n",
        "      \"encoding\": \"utf-8\",\n",
        "      \"dialect\": {\"delimiter\": \",\", \"lineTerminator\": \"\\n\", "
        "\"header\": true},\n",
        "      \"schema\": ", SchemaJson(t, 6), "\n", "    }",
        i + 1 < tables.size() ? "," : "", "\n");
  }
  absl::StrAppend(&out, "  ]\n}\n");
  return out;
}

}  // namespace

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return "";
  if (value == 0) return "0";
  int digits = 17;
  for (int p = 1; p <= 17; ++p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", p, value);
    if (std::strtod(buf, nullptr) == value) {
      digits = p;
      break;
    }
  }
  // Plain notation with as many decimals as those digits need.
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  int decimals = std::max(0, digits - 1 - exponent);
  std::string out;
  for (;; ++decimals) {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    out = buf;
    if (std::strtod(buf, nullptr) == value || decimals > 340) break;
  }
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(value);
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::vector<PackageFile> BuildDataPackage(const OpenDataInput& input) {
  std::vector<Table> tables = EmptyTables();
  std::vector<const OpenDataPlan*> plans;
  for (const OpenDataPlan& p : input.plans) plans.push_back(&p);
  std::sort(plans.begin(), plans.end(), [](auto* a, auto* b) {
    return a->plan.name() < b->plan.name();
  });
  for (const OpenDataPlan* p : plans) AddPlan(*p, tables);
  // Projects by resource name across the plans.
  std::sort(tables[4].rows.begin(), tables[4].rows.end(),
            [](const Row& a, const Row& b) { return a[0] < b[0]; });
  std::vector<PackageFile> files;
  files.push_back({"datapackage.json", Descriptor(input, tables)});
  for (const Table& t : tables) {
    files.push_back({absl::StrCat("data/", t.name, ".csv"), Csv(t)});
  }
  return files;
}

}  // namespace itp::domain
