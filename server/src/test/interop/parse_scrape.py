#!/usr/bin/python3
"""Reads a Prometheus text exposition on stdin and prints one JSON object per sample:
{"name": ..., "labels": {...}, "value": ...}. The parsing is the Prometheus Python client's own
(Debian's python3-prometheus-client), so the broker's output is checked by a parser it does not
share code with."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels, "value": sample.value}))
