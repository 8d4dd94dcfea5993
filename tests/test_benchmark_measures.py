"""The benchmark's measures measure the command, not the process that runs it."""

import sys

import run


def test_peak_memory_is_the_commands_own_not_that_of_the_process_that_starts_it():
    # a child started by vfork inherits the peak of its parent in the peak wait4 reports;
    # a benchmark that holds the lists of a million files must not report them as kcna's
    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])  # resident
    small = [sys.executable, "-c", "import time; time.sleep(0.5)"]
    big = [
        sys.executable,
        "-c",
        "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)",
    ]
    _, small_kib, _ = run.run_rss(small)
    _, big_kib, _ = run.run_rss(big)
    assert small_kib < 100 * 1024
    assert 200 * 1024 < big_kib < 300 * 1024
    del held


def test_peak_memory_sums_the_command_and_its_children():
    child = "import time; b = bytearray(120 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    _, kib, _ = run.run_rss([sys.executable, "-c", parent])
    assert 120 * 1024 < kib < 250 * 1024
