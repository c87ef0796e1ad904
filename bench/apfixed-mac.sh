#!/bin/sh
# Builds and runs the ap_fixed MAC benchmark against templates/csim-include (g++ -O2) in a scratch directory.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
g++ -std=c++14 -O2 -I"$here/../templates/csim-include" "$here/apfixed-mac.cpp" -o "$out/apfixed-mac"
"$out/apfixed-mac"
