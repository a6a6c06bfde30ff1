"""docs/embedding.md's Python example: compile a rule, save and reload the
pack, validate two documents on two threads sharing the pack, and print each
verdict, the rule statuses and the failing document's messages. Run by
tests/cli/install.sh with the installed package:  python3 embed.py"""
import concurrent.futures
import os
import sys
import tempfile

import guardvm

RULES = """
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
rule s3_versioned when %buckets !empty {
  %buckets.Properties.VersioningConfiguration.Status == 'Enabled' <<turn versioning on>>
}
"""
DOCUMENTS = {
    "good.yaml": "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                 "      VersioningConfiguration: {Status: Enabled}\n",
    "bad.json": '{"Resources": {"Logs": {"Type": "AWS::S3::Bucket", "Properties": {}}}}',
}


def main():
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "s3.gpack")
        guardvm.compile_text(RULES, name="s3.guard").save(path)
        pack = guardvm.load(path)  # verified like every pack

    # One pack, several threads: the engine runs without the GIL.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(DOCUMENTS, pool.map(lambda item: pack.evaluate(item[1], name=item[0]),
                                                DOCUMENTS.items())))
    failed = False
    for name, result in results.items():
        print("%s: %s" % (name, result.status))
        for file in result.files:
            for rule, status in file.rules.items():
                print("  %s/%s: %s" % (file.name, rule, status))
        if result.status == "FAIL":
            failed = True
            report = result.files[0].report  # the object `guardvm validate -o json` prints
            for item in report["not_compliant"]:
                for check in item["Rule"]["checks"]:
                    print("  message:", check["Clause"]["Binary"]["messages"]["custom_message"])
    return 19 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
