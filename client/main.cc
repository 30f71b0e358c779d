// itp: the command-line client of the ITP service. Registers the command
// groups and runs the one the command line selects.
#include "client/cli.h"
#include "client/commands.h"

int main(int argc, char** argv) {
  itp::client::Cli cli;
  itp::client::AddPlanCommands(cli);
  itp::client::AddBenchmarkCommands(cli);
  itp::client::AddReviewCommands(cli);
  itp::client::AddJobCommands(cli);
  itp::client::AddProgressCommands(cli);
  itp::client::AddInvestmentCommands(cli);
  itp::client::AddExportCommands(cli);
  itp::client::AddAdminCommands(cli);
  itp::client::AddHealthCommands(cli);
  return cli.Run(argc, argv);
}
