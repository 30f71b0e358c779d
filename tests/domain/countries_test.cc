#include "server/domain/countries.h"

#include "gtest/gtest.h"

namespace itp::domain {
namespace {

TEST(CountriesTest, KnowsLeadItMembersAndPartners) {
  for (const char* code : {"IND", "SWE", "IDN", "ZAF", "BRA", "VNM", "DEU"}) {
    EXPECT_TRUE(IsIsoAlpha3Country(code)) << code;
  }
  EXPECT_EQ(CountryName("IND"), "India");
  EXPECT_EQ(CountryName("IDN"), "Indonesia");
}

TEST(CountriesTest, RejectsUnassignedLowerCaseAndAlpha2Codes) {
  for (const char* code : {"XYZ", "ind", "IN", "INDI", "", "EUR", "UK"}) {
    EXPECT_FALSE(IsIsoAlpha3Country(code)) << code;
  }
  EXPECT_EQ(CountryName("XYZ"), "");
}

TEST(CountriesTest, HoldsTheWholeStandard) { EXPECT_EQ(CountryCount(), 249u); }

}  // namespace
}  // namespace itp::domain
