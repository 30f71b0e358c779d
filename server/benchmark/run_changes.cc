#include "server/benchmark/run_changes.h"

#include <map>
#include <string>
#include <tuple>

namespace itp::benchmark {
namespace {

using itp::v1::BenchmarkJobResult;
using itp::v1::PlanResultSummary;

std::map<std::string, const BenchmarkJobResult*> Succeeded(
    const std::vector<BenchmarkJobResult>& results) {
  std::map<std::string, const BenchmarkJobResult*> by_plan;
  for (const auto& r : results) {
    if (r.error().empty()) by_plan[r.plan()] = &r;
  }
  return by_plan;
}

}  // namespace

PlanResultSummary Summarize(const itp::v1::BenchmarkReport& report) {
  PlanResultSummary summary;
  for (const auto& sector : report.sectors()) {
    for (const auto& label : sector.labels()) {
      auto* l = summary.add_labels();
      l->set_sector(sector.sector());
      l->set_family(label.family());
      l->set_year(label.year());
      l->set_label(label.label());
    }
    for (const auto& pathway : sector.pathways()) {
      for (const auto& ratio : pathway.alignment_ratios()) {
        auto* r = summary.add_ratios();
        r->set_sector(sector.sector());
        r->set_pathway(pathway.pathway());
        r->set_year(ratio.year());
        r->set_ratio(ratio.ratio());
      }
    }
  }
  return summary;
}

itp::v1::RunChanges CompareRuns(
    const std::vector<BenchmarkJobResult>& previous,
    const std::vector<BenchmarkJobResult>& current) {
  itp::v1::RunChanges changes;
  const auto before = Succeeded(previous);
  const auto after = Succeeded(current);
  for (const auto& [plan, result] : after) {
    auto old = before.find(plan);
    if (old == before.end()) {
      changes.add_plans_added(plan);
      continue;
    }
    using LabelKey = std::tuple<int, std::string, int>;
    std::map<LabelKey, std::string> old_labels;
    for (const auto& l : old->second->summary().labels()) {
      old_labels[{l.sector(), l.family(), l.year()}] = l.label();
    }
    for (const auto& l : result->summary().labels()) {
      auto it = old_labels.find({l.sector(), l.family(), l.year()});
      if (it != old_labels.end() && it->second != l.label()) {
        auto* c = changes.add_label_changes();
        c->set_plan(plan);
        c->set_sector(l.sector());
        c->set_family(l.family());
        c->set_year(l.year());
        c->set_old_label(it->second);
        c->set_new_label(l.label());
      }
    }
    using RatioKey = std::tuple<int, std::string, int>;
    std::map<RatioKey, double> old_ratios;
    for (const auto& r : old->second->summary().ratios()) {
      old_ratios[{r.sector(), r.pathway(), r.year()}] = r.ratio();
    }
    for (const auto& r : result->summary().ratios()) {
      auto it = old_ratios.find({r.sector(), r.pathway(), r.year()});
      if (it != old_ratios.end() && (it->second < 0) != (r.ratio() < 0)) {
        auto* c = changes.add_ratio_crossings();
        c->set_plan(plan);
        c->set_sector(r.sector());
        c->set_pathway(r.pathway());
        c->set_year(r.year());
        c->set_old_ratio(it->second);
        c->set_new_ratio(r.ratio());
      }
    }
  }
  for (const auto& [plan, result] : after) {
    auto old = before.find(plan);
    // Runs from before progress tracking carry no progress to compare.
    if (old == before.end() || !old->second->summary().has_progress() ||
        !result->summary().has_progress()) {
      continue;
    }
    const auto& was = old->second->summary().progress();
    const auto& now = result->summary().progress();
    if (was.status() == now.status() && was.reporting() == now.reporting()) {
      continue;
    }
    auto* c = changes.add_progress_changes();
    c->set_plan(plan);
    c->set_old_status(was.status());
    c->set_new_status(now.status());
    c->set_old_reporting(was.reporting());
    c->set_new_reporting(now.reporting());
    c->set_reporting_year(now.reporting_year());
  }
  for (const auto& [plan, result] : before) {
    if (after.count(plan) == 0) changes.add_plans_gone(plan);
  }
  return changes;
}

}  // namespace itp::benchmark
