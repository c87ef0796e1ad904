#!/bin/sh
# ViT-S at full size (m3vit-s-pascal, seeded random weights): peak RSS of `reference --trace` and `csim --trace`
# (GNU time's "Maximum resident set size") and csim MSE/var on the two 512x512 photographs. Minutes per csim run:
# run it alone. PRESET=m3vit-s-nyud (640x480 photographs) works too.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
preset=${PRESET:-m3vit-s-pascal}
size=512x512
[ "$preset" = m3vit-s-nyud ] && size=640x480
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
edgemoe() { node "$root/bin/edgemoe.js" "$@"; }
peak() { grep 'Maximum resident' "$1" | awk '{ printf "%.2f GiB", $6 / 1048576 }'; }
edgemoe gen -p "$preset" -o "$out/d" > /dev/null
edgemoe weights random -p "$preset" --seed 1 -o "$out/w.safetensors" > /dev/null
img="$root/test/fixtures/images/coffee-$size.png"
/usr/bin/time -v node "$root/bin/edgemoe.js" reference -p "$preset" -w "$out/w.safetensors" -t 0 -o "$out/r.npy" --trace "$out/t.npz" "$img" > "$out/ref.out" 2> "$out/ref.time"
echo "reference --trace: $(grep '^trace' "$out/ref.out"), $(du -h "$out/t.npz" | cut -f1), peak RSS $(peak "$out/ref.time")"
rm -f "$out/t.npz"
/usr/bin/time -v node "$root/bin/edgemoe.js" csim -d "$out/d" -w "$out/w.safetensors" -t 0 --trace "$img" > "$out/csim.out" 2> "$out/csim.time" || true
echo "csim --trace coffee: $(grep '^output vs float reference' "$out/csim.out"), peak RSS $(peak "$out/csim.time")"
node "$root/bin/edgemoe.js" csim -d "$out/d" -w "$out/w.safetensors" -t 0 "$root/test/fixtures/images/astronaut-$size.png" > "$out/csim2.out" || true
echo "csim astronaut: $(grep '^output vs float reference' "$out/csim2.out")"
