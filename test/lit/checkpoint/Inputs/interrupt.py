"""Stops a long `nsc --run` with a signal and checks what it leaves
(docs/checkpoints.md): exit status 128 + signal, the step it stopped at in
--stats and on stderr, spike files byte-identical to an uninterrupted run
of exactly that many steps, and a final checkpoint that resumes
bit-identically.

  interrupt.py NSC WORKDIR SIGINT|SIGTERM [--twice] -- NSC-ARGS...

The signal is sent once the first periodic checkpoint exists (nsc renames
it into place whole), so the run is known to be under way: no sleeps to
tune. The run itself is 10 s of simulated time, far longer than the test
waits.
"""
import json
import os
import signal
import subprocess
import sys
import time


def fail(msg):
    sys.exit("FAIL: " + msg)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr}")
    return r


def main():
    nsc, work, signame = sys.argv[1], sys.argv[2], sys.argv[3]
    twice = "--twice" in sys.argv[4:sys.argv.index("--")]
    args = sys.argv[sys.argv.index("--") + 1:]
    sig = getattr(signal, signame)
    ckpt, spikes = os.path.join(work, "ck"), os.path.join(work, "spikes.csv")
    cmd = [nsc] + args + ["--run=10s", "--quiet", "--stats", f"--checkpoint={ckpt}", "--checkpoint-every=20ms",
                          f"--spikes={spikes}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not os.path.exists(ckpt):
        if proc.poll() is not None:
            fail(f"nsc ended before its first checkpoint: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            fail("no checkpoint within 300 s")
        time.sleep(0.01)
    proc.send_signal(sig)
    if twice:
        time.sleep(0.01)
        proc.send_signal(sig)
    out, err = proc.communicate(timeout=300)
    if proc.returncode != 128 + sig:
        fail(f"exit status {proc.returncode}, expected {128 + sig}; stderr: {err}")
    stats = json.loads(out)
    steps = stats["steps"]
    if stats.get("interrupted") != signame or not 0 < steps < 100000:
        fail(f"stats say interrupted={stats.get('interrupted')}, steps={steps}")
    if f"nsc: interrupted by {signame}: stopped after step {steps} of 100000" not in err:
        fail(f"stderr does not state the step: {err}")
    if f"checkpoint '{ckpt}' written" not in err:
        fail(f"stderr does not mention the final checkpoint: {err}")
    leftovers = [f for f in os.listdir(work) if ".tmp" in f]
    if leftovers:
        fail(f"temporary files left: {leftovers}")

    # The spikes of exactly `steps` steps, as an uninterrupted run writes them.
    end_ms = f"{steps / 10:.10g}ms"  # dt = 0.1 ms
    reference = os.path.join(work, "reference.csv")
    run([nsc] + args + [f"--run={end_ms}", "--quiet", f"--spikes={reference}"])
    if open(spikes, "rb").read() != open(reference, "rb").read():
        fail(f"the interrupted run's spikes differ from a {end_ms} run's")

    # The final checkpoint is at that step and resumes bit-identically.
    later = f"{steps / 10 + 15:.10g}ms"
    resumed, direct = os.path.join(work, "resumed.csv"), os.path.join(work, "direct.csv")
    r = run([nsc] + args + [f"--run={later}", "--quiet", "--stats", f"--resume={ckpt}", f"--spikes={resumed}"])
    if json.loads(r.stdout).get("resumed_at_step") != steps:
        fail("the final checkpoint is not at the step the run stopped at")
    run([nsc] + args + [f"--run={later}", "--quiet", f"--spikes={direct}"])
    if open(resumed, "rb").read() != open(direct, "rb").read():
        fail("resuming the final checkpoint does not give the uninterrupted run's spikes")
    print(f"OK {signame}: stopped after {steps} steps, exit {proc.returncode}, outputs complete, resumable")


main()
