# expect-status.py N CMD...: runs CMD (stdout and stderr pass through) and
# succeeds only when it exits with status N, so a test can tell "tolerance
# exceeded" (4) from "bad command line" (2) or "error in the input" (1).
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.call(sys.argv[2:])
if got != want:
    sys.stderr.write("expect-status.py: exit status %d, expected %d\n" % (got, want))
    sys.exit(1)
