#!/usr/bin/env bash
# Sums VSTest TRX files (dotnet test/vstest --logger trx) into one line, and counts the skipped
# tests per skip reason (xunit's Skip, which VSTest records as the result's message):
#
#   tests/vm/trx-summary.sh LABEL FILE.trx...
#   LABEL: 159 passed, 0 failed, 3 skipped
#     2 skipped: kprobe cannot be tested here: ...
#
# A test that ran under several TRX files counts once per file (one per test assembly).
set -euo pipefail
label=$1
shift
awk -v label="$label" '
    function unescape(s) {
        gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s)
        gsub(/&#xA;/, " ", s); gsub(/&#xD;/, "", s); gsub(/&amp;/, "\\&", s)
        return s
    }
    /<UnitTestResult / {
        outcome = ""
        if (match($0, /outcome="[A-Za-z]+"/)) outcome = substr($0, RSTART + 9, RLENGTH - 10)
        if (outcome == "Passed") passed++
        else if (outcome == "Failed" || outcome == "Error" || outcome == "Timeout" || outcome == "Aborted") failed++
        else if (outcome == "NotExecuted" || outcome == "Inconclusive") { skipped++; pending = 1; reason = "" }
        # A self-closing result has no message.
        if (pending && $0 ~ /\/>[[:space:]]*$/) { reasons["(no reason given)"]++; pending = 0 }
        next
    }
    pending && /<Message>/ {
        reason = $0
        sub(/.*<Message>/, "", reason)
        # The first line of the message names the reason.
        sub(/<\/Message>.*/, "", reason)
        reasons[unescape(reason)]++
        pending = 0
        next
    }
    pending && /<\/UnitTestResult>/ { reasons["(no reason given)"]++; pending = 0 }
    END {
        printf "%s: %d passed, %d failed, %d skipped\n", label, passed, failed, skipped
        n = 0
        for (r in reasons) order[++n] = sprintf("%6d skipped: %s", reasons[r], r)
        # Largest count first (insertion sort: few reasons).
        for (i = 2; i <= n; i++) { v = order[i]; j = i - 1; while (j > 0 && order[j] < v) { order[j + 1] = order[j]; j-- } order[j + 1] = v }
        for (i = 1; i <= n; i++) print order[i]
    }
' "$@"
