#!/usr/bin/env bash
# The release tag must be v<version> of Cargo.toml: init's snippets and the
# action pin that tag, so a release under any other name is never found.
# usage: check_tag.sh TAG
set -euo pipefail
if [ "$#" -ne 1 ]; then
  echo "usage: check_tag.sh TAG" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
if [ "$1" != "v$version" ]; then
  echo "::error::the tag $1 is not v$version, the version in Cargo.toml" >&2
  exit 1
fi
echo "tag $1 matches Cargo.toml"
