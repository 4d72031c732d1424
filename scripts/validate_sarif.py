#!/usr/bin/env python3
"""Validate SARIF logs against the OASIS SARIF 2.1.0 JSON schema.

usage: validate_sarif.py SCHEMA LOG [LOG...]

The schema is not copied into the project: CI passes the shared copy.
"""
import json
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    # Imported here so that a wrong call gets the usage line even where
    # jsonschema is not installed.
    import jsonschema

    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    failed = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        results = sum(len(run.get("results", [])) for run in log.get("runs", []))
        if errors:
            failed += 1
            for e in errors[:20]:
                where = "/".join(str(p) for p in e.absolute_path)
                print(f"{path}: {where}: {e.message}", file=sys.stderr)
        else:
            print(f"{path}: valid SARIF 2.1.0 ({results} results)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
