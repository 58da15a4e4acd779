"""Run every benchmark in bench/ and print their JSON lines."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["workflow.py", "webhook.py", "reports.py", "inbox.py", "writers.py", "signing.py"]

if __name__ == "__main__":
    failed = 0
    for script in SCRIPTS:
        failed |= subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]]).returncode
    sys.exit(failed)
