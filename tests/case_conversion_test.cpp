// Tests of compiler/case_conversion.cpp: the key case conversions of spec
// §6.3 as cfn-guard 3.1.1 computes them (Inflector 0.11). Every expectation
// here was checked against the reference binary (a map holding only the
// converted key, looked up with the original spelling).
#include "compiler/case_conversion.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace guard {
namespace {

TEST(CaseConversion, SevenConversionsInTheReferenceOrder) {
  const std::vector<std::string> want = {"bucketName", "BucketName",  "bucket-name", "BucketName",
                                         "bucket_name", "Bucket Name", "Bucket-Name"};
  EXPECT_EQ(caseConversions("bucket_name"), want);
  EXPECT_EQ(caseConversions("BucketName"), want);
  EXPECT_EQ(caseConversions("Bucket Name"), want);
}

TEST(CaseConversion, AlwaysSevenEvenWithoutWords) {
  EXPECT_EQ(caseConversions("--").size(), 7u);
  EXPECT_EQ(toCamelCase("--"), "");
  EXPECT_EQ(toSnakeCase("__a__"), "a");
}

TEST(CaseConversion, DigitsStartANewWordInCamelLikeConversions) {
  EXPECT_EQ(toPascalCase("http2enabled"), "Http2Enabled");
  EXPECT_EQ(toCamelCase("http2enabled"), "http2Enabled");
  EXPECT_EQ(toTitleCase("http2enabled"), "Http2 Enabled");
  EXPECT_EQ(toTrainCase("k8s_name"), "K8-S-Name");
  EXPECT_EQ(toCamelCase("K8sName"), "k8Sname");
}

TEST(CaseConversion, DigitsAreCapitalsInSnakeLikeConversions) {
  EXPECT_EQ(toSnakeCase("Http2Enabled"), "http_2_enabled");
  EXPECT_EQ(toSnakeCase("http2enabled"), "http_2enabled");
  EXPECT_EQ(toKebabCase("K8sName"), "k-8s-name");
  EXPECT_EQ(toSnakeCase("x86_64"), "x_86_64");
}

TEST(CaseConversion, CapitalRunsAreOneWordInCamelLikeConversions) {
  EXPECT_EQ(toPascalCase("SSLCert"), "Sslcert");
  EXPECT_EQ(toPascalCase("eTag"), "Etag");  // the "previous letter" is still the blank before "e"
  EXPECT_EQ(toCamelCase("eTag"), "eTag");
  EXPECT_EQ(toPascalCase("S3BUCKETARN"), "S3Bucketarn");
  EXPECT_EQ(toCamelCase("S3BUCKETARN"), "s3Bucketarn");
  EXPECT_EQ(toPascalCase("FOO_BAR"), "FooBar");
}

TEST(CaseConversion, SnakeLikeSplitsBeforeTheLastCapitalOfARun) {
  EXPECT_EQ(toSnakeCase("SSLCert"), "ssl_cert");
  EXPECT_EQ(toSnakeCase("HTTPFooBar"), "http_foo_bar");
  EXPECT_EQ(toKebabCase("eTag"), "e-tag");
  EXPECT_EQ(toSnakeCase("ETag"), "e_tag");
}

TEST(CaseConversion, SeparatorsAreCollapsedAndTrimmed) {
  EXPECT_EQ(toSnakeCase("-!a  b--"), "a_b");
  EXPECT_EQ(toTitleCase("  a.b  "), "A B");
  EXPECT_EQ(toTrainCase("a__b"), "A-B");
}

TEST(CaseConversion, ClassCaseSingularisesTheLastWord) {
  EXPECT_EQ(toClassCase("ip_addresses"), "IpAddress");
  EXPECT_EQ(toClassCase("security_groups"), "SecurityGroup");
  EXPECT_EQ(toClassCase("my_boxes"), "MyBox");
  EXPECT_EQ(toClassCase("access_policies"), "AccessPolicy");
  EXPECT_EQ(toClassCase("my_caches"), "MyCach");
  EXPECT_EQ(toClassCase("my_axes"), "MyAx");
  EXPECT_EQ(toClassCase("my_class"), "MyClass");
}

TEST(CaseConversion, ClassCaseKeepsInflectorQuirks) {
  // (\w*)(o)es$ -> "" drops the "o"; ([^f])ves$ -> "fe" and ([lr])ves$ -> "f"
  // drop the letter before "ves"; ([ti])a$ -> "um" drops the t/i.
  EXPECT_EQ(toClassCase("my_shoes"), "MySh");
  EXPECT_EQ(toClassCase("my_heroes"), "MyHer");
  EXPECT_EQ(toClassCase("my_leaves"), "MyLefe");
  EXPECT_EQ(toClassCase("my_wolves"), "MyWof");
  EXPECT_EQ(toClassCase("my_knives"), "MyKnfe");
  EXPECT_EQ(toClassCase("my_data"), "MyDaum");
  // Rules without a leading (\w*) drop the text before their match.
  EXPECT_EQ(toClassCase("my_databases"), "Mybasis");
  EXPECT_EQ(toClassCase("bignews"), "news");
  EXPECT_EQ(toClassCase("my_minibuses"), "Mybus");
  EXPECT_EQ(toClassCase("xindices"), "index");
  EXPECT_EQ(toClassCase("tvseries"), "series");
}

TEST(CaseConversion, SingularizeWord) {
  EXPECT_EQ(singularizeWord("Queries"), "Query");
  EXPECT_EQ(singularizeWord("Soliloquies"), "Soliloquy");
  EXPECT_EQ(singularizeWord("Monkeys"), "Monkey");
  EXPECT_EQ(singularizeWord("Glass"), "Glass");
  EXPECT_EQ(singularizeWord("Archives"), "Arc");
  // The rules' literal words are lower case: a capitalised one misses them.
  EXPECT_EQ(singularizeWord("Parentheses"), "thesis");
  EXPECT_EQ(singularizeWord("Movies"), "Movy");
  EXPECT_EQ(singularizeWord("Statuses"), "Statuse");
  EXPECT_EQ(singularizeWord("Item"), "Item");
}

TEST(CaseConversion, NonAsciiLettersKeepTheirCaseButCountAsLetters) {
  EXPECT_EQ(toPascalCase("éclair_names"), "éclairNames");
  EXPECT_EQ(toClassCase("éclairs"), "éclair");
  EXPECT_EQ(toPascalCase("a½b"), "A½B");  // a Unicode number starts a new word
}

}  // namespace
}  // namespace guard
