#!/bin/sh
cat "$1"/cortex-m3/bench.log
