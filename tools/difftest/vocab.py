"""Key vocabulary shared by the data and rules generators of the differential tester.

Called by gen_data.py and gen_rules.py. Both draw keys from the same small lists, so most
queries of a generated rules file resolve in most generated documents.
"""

# Plain keys usable unquoted in rules (identifiers).
PLAIN_KEYS = ["Resources", "Properties", "Type", "Name", "BucketName", "bucket_name",
              "Tags", "Key", "Value", "Items", "S", "T", "A", "B", "Size", "Enabled",
              "Count", "Policy", "Statement", "Effect", "ip_addresses", "IpAddress", "Env"]

# Most keys on both sides come from this short list, so that most queries resolve.
HOT_KEYS = ["A", "B", "Name", "Size", "Tags", "Items"]

# Top-level keys that documents often bind to strings containing one another (gen_data's
# NESTED_STRINGS), compared by IN clauses of gen_rules.
NESTED_STRING_KEYS = ["A", "B", "Name"]

# Keys that need quoting in rules (spaces, dashes, leading digit, colons, unicode).
ODD_KEYS = ["my key", "my-key", "1st", "Fn::GetAtt", "Ref", "bucket-name", "Ünï", "x.y"]

# Logical ids of CloudFormation-shaped documents.
LOGICAL_IDS = ["MyBucket", "Vol1", "Role", "Prod1", "qBucket"]

RESOURCE_TYPES = ["AWS::S3::Bucket", "AWS::EC2::Volume", "AWS::IAM::Role", "Custom::Thing"]

# Strings worth seeing on both sides of comparisons.
STRINGS = ["a", "abc", "MyBucket", "AWS::S3::Bucket", "true", "1", "1.5", "null", "", "x y",
           "prod", "Deny", "Allow", "é", "日本", "%41b", "a+b", "{\"a\": 1}", "[1, 2]",
           "TRUE", "0x1F", "010", "Prod1", "Key"]

INTS = [0, 1, -1, 2, 10, 30, 200, 65536, 9007199254740993]
# Most numbers and strings on both sides come from these short lists, so that comparisons
# often meet equal values (where ==, <=, >=, IN differ from their neighbours).
COMMON_INTS = [0, 1, 2, 10]
COMMON_STRINGS = ["a", "abc", "MyBucket", "AWS::S3::Bucket", "true", ""]
FLOATS = [0.0, 1.5, 2.0, 10.0, 1e-7, 123456789.125, 1.0e20]

# YAML plain scalars that the loader resolves by its own schema (written verbatim in YAML).
YAML_PLAIN = ["yes", "no", "~", "Null", "TRUE", "0x1F", "0o17", "010", "1_000", "+1", ".5",
              "1e3", "-0", "True", "NULL", "on", "2001-12-14", ".inf", "-.inf"]

# Intrinsic functions: short tag name -> long key, and whether the value is a list.
INTRINSICS = [("Ref", "Ref", False), ("GetAtt", "Fn::GetAtt", False),
              ("GetAtt", "Fn::GetAtt", True), ("Sub", "Fn::Sub", False),
              ("Sub", "Fn::Sub", True), ("Join", "Fn::Join", True), ("If", "Fn::If", True),
              ("Select", "Fn::Select", True), ("Base64", "Fn::Base64", False),
              ("ImportValue", "Fn::ImportValue", False), ("Equals", "Fn::Equals", True),
              ("Condition", "Condition", False), ("Cidr", "Fn::Cidr", True)]

ALL_KEYS = PLAIN_KEYS + ODD_KEYS + LOGICAL_IDS
