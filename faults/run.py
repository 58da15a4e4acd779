# ruff: noqa: S603
"""Run every fault script in faults/ in order; exit non-zero if any found a loss or a double."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["whatsapp_down.py", "worker_killed.py", "postgres_restart.py", "webhook_replay.py"]

if __name__ == "__main__":
    failed = []
    for script in SCRIPTS:
        if subprocess.run([sys.executable, str(HERE / script)]).returncode:
            failed.append(script)
    print(f"== faults: {len(SCRIPTS) - len(failed)} of {len(SCRIPTS)} passed", flush=True)
    if failed:
        print(f"== failed: {', '.join(failed)}", flush=True)
    sys.exit(1 if failed else 0)
