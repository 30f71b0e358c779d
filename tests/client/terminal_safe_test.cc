// Tests of what the CLI does to partner text before it reaches a terminal or
// a spreadsheet: TerminalSafe (control characters and bidirectional
// overrides shown, not sent) and CsvField (formulas made text).

#include "client/terminal_safe.h"

#include <sstream>
#include <string>

#include "client/output.h"
#include "gtest/gtest.h"

namespace itp::client {
namespace {

TEST(TerminalSafeTest, EscapesThatDriveATerminalAreShown) {
  // Clear the screen, set the window title, ring the bell.
  EXPECT_EQ(TerminalSafe("\x1b[2J\x1b]0;Approved\x07India green steel"),
            "\\x1B[2J\\x1B]0;Approved\\x07India green steel");
  EXPECT_EQ(TerminalSafe(std::string("Tata\0Steel", 10)), "Tata\\x00Steel");
  EXPECT_EQ(TerminalSafe("line one\rover"), "line one\\x0Dover");
  EXPECT_EQ(TerminalSafe("trailing\r"), "trailing\\x0D");
  // CSV's line end passes.
  EXPECT_EQ(TerminalSafe("name,state\r\nIND,DRAFT\r\n"),
            "name,state\r\nIND,DRAFT\r\n");
  EXPECT_EQ(TerminalSafe("DEL\x7f"), "DEL\\x7F");
  // U+009B (CSI as a C1 control) in UTF-8.
  EXPECT_EQ(TerminalSafe("\xC2\x9B" "2J"), "\\u009B2J");
}

TEST(TerminalSafeTest, BidirectionalOverridesAreShown) {
  EXPECT_EQ(TerminalSafe("Net zero \xE2\x80\xAE" "0502"),
            "Net zero \\u202E0502");
  EXPECT_EQ(TerminalSafe("\xE2\x81\xA6IND\xE2\x81\xA9"), "\\u2066IND\\u2069");
}

TEST(TerminalSafeTest, TextInAnyScriptNewlinesAndTabsPass) {
  const std::string text =
      "S\xC3\xA3o Paulo a\xC3\xA7o verde\n\t\xE0\xA4\xB9\xE0\xA4\xB0\xE0\xA4"
      "\xBF\xE0\xA4\xA4 \xE2\x80\x8F\xD8\xA7\xD9\x84\xD8\xB5\xD9\x84\xD8\xA8 "
      "\xF0\x9F\x8C\x8D CO\xE2\x82\x82";
  EXPECT_EQ(TerminalSafe(text), text);
}

TEST(TerminalSafeTest, AStreamWrittenByteByByteIsFilteredAlike) {
  std::ostringstream target;
  {
    TerminalSafeStream out(target);
    for (char c : std::string("a\xE2\x80\xAE" "b\x1b" "c\xC3\xA3")) out.put(c);
  }
  EXPECT_EQ(target.str(), "a\\u202Eb\\x1Bc\xC3\xA3");
}

TEST(TerminalSafeTest, MalformedUtf8PassesUnchanged) {
  EXPECT_EQ(TerminalSafe("\x80\xE2\x80 x\xC3"), "\x80\xE2\x80 x\xC3");
}

TEST(CsvFieldTest, FormulasBecomeText) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://203.0.113.9/x\",\"Click\")"),
            "\"'=HYPERLINK(\"\"http://203.0.113.9/x\"\",\"\"Click\"\")\"");
  EXPECT_EQ(CsvField("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(CsvField("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(CsvField("-2+3"), "'-2+3");
  EXPECT_EQ(CsvField("\t=1"), "'\t=1");
  EXPECT_EQ(CsvField("\r=1"), "\"'\r=1\"");
}

TEST(CsvFieldTest, NumbersAndOrdinaryTextStayAsTheyAre) {
  EXPECT_EQ(CsvField("-0.052"), "-0.052");
  EXPECT_EQ(CsvField("+12.3%"), "+12.3%");
  EXPECT_EQ(CsvField("-1e+20"), "-1e+20");
  EXPECT_EQ(CsvField("2.54"), "2.54");
  EXPECT_EQ(CsvField("India green steel roadmap"), "India green steel roadmap");
  EXPECT_EQ(CsvField("Tata Steel, Kalinganagar"),
            "\"Tata Steel, Kalinganagar\"");
  EXPECT_EQ(CsvField(""), "");
}

}  // namespace
}  // namespace itp::client
