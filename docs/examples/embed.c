/* docs/embedding.md's C example: compile a rule, evaluate two documents,
 * print each verdict and rule status, then the JSON report of the failing
 * one (what `guardvm validate -o json` prints for it). Built and run by
 * tests/cli/install.sh against an installed prefix:
 *   cc embed.c $(pkg-config --cflags --libs guardvm) -o embed && ./embed */
#include <guardvm/guardvm.h>
#include <stdio.h>
#include <string.h>

static const char* kRules =
    "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
    "rule s3_versioned when %buckets !empty {\n"
    "  %buckets.Properties.VersioningConfiguration.Status == 'Enabled' <<turn versioning on>>\n"
    "}\n";

static const char* kStatus[] = {"SKIP", "PASS", "FAIL"};

/* Prints the error, frees it and returns 1. */
static int report_error(const char* what, guardvm_error* error) {
  fprintf(stderr, "%s: %s\n", what, guardvm_error_message(error));
  guardvm_error_free(error);
  return 1;
}

int main(void) {
  guardvm_error* error = NULL;
  guardvm_pack* pack = NULL;
  guardvm_source source = {"s3.guard", kRules, strlen(kRules)};
  if (guardvm_compile(&source, 1, &pack, &error) != GUARDVM_OK) return report_error("compile", error);

  const char* documents[2] = {
      "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n"
      "      VersioningConfiguration: {Status: Enabled}\n",
      "{\"Resources\": {\"Logs\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {}}}}"};
  const char* names[2] = {"good.yaml", "bad.json"};
  int failed = 0;
  for (int d = 0; d < 2; ++d) {
    guardvm_result* result = NULL;
    if (guardvm_validate(pack, documents[d], strlen(documents[d]), names[d], 0, &result, &error) != GUARDVM_OK) {
      guardvm_pack_free(pack);
      return report_error(names[d], error);
    }
    printf("%s: %s\n", names[d], kStatus[guardvm_result_status(result)]);
    for (size_t f = 0; f < guardvm_result_file_count(result); ++f)
      for (size_t r = 0; r < guardvm_result_rule_count(result, f); ++r)
        printf("  %s/%s: %s\n", guardvm_result_file_name(result, f), guardvm_result_rule_name(result, f, r),
               kStatus[guardvm_result_rule_status(result, f, r)]);
    if (guardvm_result_status(result) == GUARDVM_FAIL) {
      size_t length = 0;
      const char* report = guardvm_result_report(result, &length);
      fwrite(report, 1, length, stdout);
      putchar('\n');
      failed = 1;
    }
    guardvm_result_free(result);
  }
  guardvm_pack_free(pack);
  return failed ? 19 : 0;
}
