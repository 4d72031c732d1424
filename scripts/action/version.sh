#!/usr/bin/env bash
# Step 1 of the GitHub Action: decide where policylint comes from. The
# action used at a release tag (ACTION_REF = v<version of Cargo.toml>)
# downloads that release's binary; at any other ref it builds the action's
# checkout, cached under a key of the version and a checksum of the sources
# (the same version at another commit is other code). Outputs: tag, source
# (release or build) and key.
set -euo pipefail
: "${ACTION_PATH:?}" "${GITHUB_OUTPUT:?}"
cd "$ACTION_PATH"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
tag="v$version"
source=build
if [ "${ACTION_REF:-}" = "$tag" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
  source=release
fi
# cksum is on every runner (sha256sum is not on macOS); names are hashed
# with contents so that a renamed file changes the key.
sum=$(find Cargo.toml Cargo.lock build.rs src rules -type f | LC_ALL=C sort \
  | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done | cksum | cut -d ' ' -f 1)
{
  printf 'tag=%s\n' "$tag"
  printf 'source=%s\n' "$source"
  printf 'key=%s-%s\n' "$tag" "$sum"
} >> "$GITHUB_OUTPUT"
echo "policylint $tag: $source"
