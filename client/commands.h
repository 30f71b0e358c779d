// The command groups of the `itp` CLI. Each group lives in its own
// commands_<group>.cc: it declares its flags and turns a parsed command into
// calls, leaving printing to the views.
#ifndef ITP_CLIENT_COMMANDS_H_
#define ITP_CLIENT_COMMANDS_H_

#include "client/cli.h"

namespace itp::client {

// `itp plans list|get|create|update|submit|withdraw|delete|revisions|diff`.
void AddPlanCommands(Cli& cli);

// `itp benchmark plan|compare|pathways|reports|chart`.
void AddBenchmarkCommands(Cli& cli);

// `itp benchmark chart` under the `benchmark` group (commands_chart.cc).
void AddBenchmarkChartCommand(Cli& cli, CLI::App* benchmark);

// `itp keys create|list|revoke` and `itp audit list`.
void AddAdminCommands(Cli& cli);

// `itp rubric` and `itp reviews start|get|list|comment|reply|comments|resolve|
// score|complete`.
void AddReviewCommands(Cli& cli);

// `itp jobs create|list|get|run|runs|results|cancel`.
void AddJobCommands(Cli& cli);

// `itp progress create|update|publish|get|list|status`.
void AddProgressCommands(Cli& cli);

// `itp projects list|summary` (the investment tracker).
void AddInvestmentCommands(Cli& cli);

// `itp export` (the open data package).
void AddExportCommands(Cli& cli);

// `itp health`.
void AddHealthCommands(Cli& cli);

}  // namespace itp::client

#endif  // ITP_CLIENT_COMMANDS_H_
