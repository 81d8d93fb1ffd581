#!/usr/bin/env bash
# Rebuild the two OCR development models the README describes ("The weights are now tuned on fresh
# pairs of act 105095 ..." and "The dev models ... leave out four added acts that repeat the dev
# acts' text"):
#   OUT6 (model A): for dev and the fresh render dvb (act 105095) -- held out 105095
#   OUT7 (model B): for dev2 (act 146415)         -- held out 105095 and 146415
# Usage: OUT6=/tmp/f6h OUT7=/tmp/f7h [ZAN=target/release/zan] [REPO=repository root] bash mkdev.sh
# Reads REPO only (python -B: no __pycache__ there); writes OUT6, OUT7 and a scratch dir.
# Variants (for matching): LEAVE_OUT="86773 107727 147889 148012" (added acts left out of --acts),
# KK345=1 (0: no --lang-pairs kk-acts{3,4,5}).
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
ZAN=${ZAN:-$REPO/target/release/zan}

OUT6=${OUT6:?set OUT6}
OUT7=${OUT7:?set OUT7}
LEAVE_OUT=${LEAVE_OUT:-86773 107727 147889 148012}
KK345=${KK345:-1}
D=$REPO/src/repair/ocr/data
W=$(mktemp -d /tmp/mkdev.XXXXXX)
trap 'rm -rf "$W"' EXIT
filt() { (cd "$REPO" && python3 -B "$D/prep-dev.py" --filter "$1" "$2" "$3"); }  # PAIRS ACT FILE.md

# --acts: a copy of the added acts less those that repeat the dev acts' text
mkdir -p "$W/acts"
for a in "$D"/acts/*/; do
  a=${a%/}; n=${a##*/}
  case " $LEAVE_OUT " in *" $n "*) continue ;; esac
  cp -r "$a" "$W/acts/$n"
done

# channel pairs
for l in kk ru; do
  f=kaz.md; [ $l = ru ] && f=rus.md
  filt "$D/$l-acts.jsonl" 105095 $f > "$W/chan-$l.jsonl"               # model A
  filt "$W/chan-$l.jsonl" 146415 $f > "$W/chanB-$l.jsonl"              # model B: then 146415
  filt "$D/$l-acts2.jsonl" 146415 $f > "$W/chan2B-$l.jsonl"            # model B: acts2 for 146415
done
LP6=(); LP7=()
if [ "$KK345" = 1 ]; then
  for i in 3 4 5; do
    filt "$D/kk-acts$i.jsonl" 146415 kaz.md > "$W/kk-acts$i-B.jsonl"
    LP6+=(--lang-pairs "kk=$D/kk-acts$i.jsonl")
    LP7+=(--lang-pairs "kk=$W/kk-acts$i-B.jsonl")
  done
fi
wc -l "$W"/*.jsonl >&2

HELD=141011,97449,125804,142171,142971,105095
mkdir -p "$OUT6" "$OUT7"
(cd "$W" && "$ZAN" train ocr --corpus "$REPO/corpus" \
   --pairs "$W/chan-kk.jsonl" --pairs "$W/chan-ru.jsonl" \
   --pairs "$D/kk-acts2.jsonl" --pairs "$D/ru-acts2.jsonl" \
   "${LP6[@]}" --acts "$W/acts" \
   --held-out-acts $HELD --out "$OUT6") &
p6=$!
(cd "$W" && "$ZAN" train ocr --corpus "$REPO/corpus" \
   --pairs "$W/chanB-kk.jsonl" --pairs "$W/chanB-ru.jsonl" \
   --pairs "$W/chan2B-kk.jsonl" --pairs "$W/chan2B-ru.jsonl" \
   "${LP7[@]}" --acts "$W/acts" \
   --held-out-acts $HELD,146415 --out "$OUT7") &
p7=$!
wait $p6; wait $p7
# the .fst files hold only word lists (no corpus words): copy the shipped ones beside each model
cp "$REPO"/src/repair/ocr/models/*.fst "$OUT6"/
cp "$REPO"/src/repair/ocr/models/*.fst "$OUT7"/
ls -la "$OUT6" "$OUT7" >&2
