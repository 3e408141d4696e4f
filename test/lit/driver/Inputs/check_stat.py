# check_stat.py KEY LO HI: reads nsc --stats JSON on stdin and succeeds when
# the top-level number KEY lies in [LO, HI] (test/lit/driver/dt.test).
import json
import sys

key, lo, hi = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
value = json.load(sys.stdin)[key]
print("%s = %s" % (key, value))
sys.exit(0 if lo <= value <= hi else 1)
